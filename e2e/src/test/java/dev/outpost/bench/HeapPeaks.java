package dev.outpost.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * A JVM's heap over one measurement, from its garbage collections: the most it held just before a
 * collection ("max used") and the most it still held just after one ("max used after GC" — what
 * stays live, the figure that shows whether the heap stays flat). Read from a {@code -Xlog:gc} file
 * (another process) or from this JVM's collection notifications.
 *
 * <p>G1's young collections leave the old generation's garbage in place until a concurrent cycle
 * has marked it, so their "after" also counts dead objects promoted earlier; the occupancy left by a
 * mixed or full collection (which also clean the old generation) is the closer figure for what is
 * live. Only a GC log tells mixed collections apart.
 *
 * @param maxUsedMiB the largest heap occupancy seen before a collection
 * @param maxAfterGcMiB the largest heap occupancy left by a collection
 * @param maxAfterOldGcMiB the largest occupancy left by a mixed or full collection, -1 if unknown
 * @param lastAfterGcMiB the occupancy left by the last collection of the measurement
 * @param collections the collections seen
 */
record HeapPeaks(long maxUsedMiB, long maxAfterGcMiB, long maxAfterOldGcMiB, long lastAfterGcMiB, int collections) {
    /**
     * {@code -Xlog:gc} lines of collections that free memory: {@code ... Pause Young (Normal) (G1
     * Evacuation Pause) 24M->3M(256M) 2.345ms}, also {@code Pause Young (Mixed)} and {@code Pause
     * Full}; G1's {@code Pause Remark} and {@code Pause Cleanup} move nothing and are left out.
     */
    private static final Pattern BEFORE_AFTER = Pattern.compile("Pause (?:Young|Full) .*\\) (\\d+)M->(\\d+)M\\(");

    /** Lines in a GC log so far: pass them to {@link #fromGcLog} to skip what happened before. */
    static int gcLogLines(Path gcLog) throws Exception {
        return Files.exists(gcLog) ? Files.readAllLines(gcLog).size() : 0;
    }

    /** The collections logged in {@code gcLog} after its first {@code skipLines} lines. */
    static HeapPeaks fromGcLog(Path gcLog, int skipLines) throws Exception {
        if (!Files.exists(gcLog)) {
            return new HeapPeaks(-1, -1, -1, -1, 0);
        }
        List<String> lines = Files.readAllLines(gcLog);
        long used = 0;
        long after = 0;
        long afterOld = -1;
        long last = 0;
        int collections = 0;
        for (String line : lines.subList(Math.min(skipLines, lines.size()), lines.size())) {
            Matcher m = BEFORE_AFTER.matcher(line);
            if (m.find()) {
                used = Math.max(used, Long.parseLong(m.group(1)));
                last = Long.parseLong(m.group(2));
                after = Math.max(after, last);
                if (line.contains("Pause Young (Mixed)") || line.contains("Pause Full")) {
                    afterOld = Math.max(afterOld, last);
                }
                collections++;
            }
        }
        return new HeapPeaks(used, after, afterOld, last, collections);
    }

    /** Prints the figures one per line, e.g. {@code heap: server max used after GC 61 MiB}. */
    void print(String who, String how) {
        System.out.printf(
                Locale.ROOT,
                "heap: %-6s max used after GC  %5d MiB (%s; %d collections)%n",
                who,
                maxAfterGcMiB,
                how,
                collections);
        System.out.printf(
                Locale.ROOT,
                "heap: %-6s max used after a mixed or full GC %s (old generation cleaned too: the live heap)%n",
                who,
                maxAfterOldGcMiB < 0 ? "n/a, needs a GC log" : maxAfterOldGcMiB + " MiB");
        System.out.printf(
                Locale.ROOT,
                "heap: %-6s last used after GC %5d MiB (the last collection of the sync)%n",
                who,
                lastAfterGcMiB);
        System.out.printf(
                Locale.ROOT, "heap: %-6s max used           %5d MiB (just before a collection)%n", who, maxUsedMiB);
    }

    /** The heap of this JVM while it is open, from its collections' notifications. */
    static final class Watch implements NotificationListener, AutoCloseable {
        private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        private final List<NotificationEmitter> emitters = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(b -> (NotificationEmitter) b)
                .toList();
        private long used;
        private long after;
        private long last;
        private int collections;

        Watch() {
            emitters.forEach(e -> e.addNotificationListener(this, null, null));
        }

        /** The used heap after a full collection now: what the JVM holds before the measurement. */
        static long liveNowMiB() {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        }

        @Override
        public void handleNotification(Notification notification, Object handback) {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
            long before = heap(info.getGcInfo().getMemoryUsageBeforeGc());
            long afterGc = heap(info.getGcInfo().getMemoryUsageAfterGc());
            synchronized (this) {
                used = Math.max(used, before);
                after = Math.max(after, afterGc);
                last = afterGc;
                collections++;
            }
        }

        private long heap(Map<String, MemoryUsage> pools) {
            return pools.entrySet().stream()
                    .filter(e -> heapPools.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().getUsed())
                    .sum();
        }

        synchronized HeapPeaks peaks() {
            return new HeapPeaks(used >> 20, after >> 20, -1, last >> 20, collections);
        }

        @Override
        public void close() {
            for (NotificationEmitter e : emitters) {
                try {
                    e.removeNotificationListener(this);
                } catch (ListenerNotFoundException ignored) {
                    // never added
                }
            }
        }
    }

    /** The collectors of this JVM, for the record. */
    static String collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }
}
