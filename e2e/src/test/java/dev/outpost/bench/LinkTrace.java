package dev.outpost.bench;

import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncListener;
import dev.outpost.e2e.LinkProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Where a sync over a shaped link leaves the link idle: samples the bytes the proxy's downstream link
 * has taken every
 * {@link #SAMPLE_MS} ms and records the sync's events (a table's progress only at its first report
 * and its end) with the time and bytes so far; prints the events and every stretch of at least
 * {@link #IDLE_MS} ms in which the link carried nothing downstream.
 */
final class LinkTrace implements SyncListener, AutoCloseable {
    private static final long SAMPLE_MS = 10;
    private static final long IDLE_MS = 100;

    private record Mark(long nanos, long bytes, String what) {}

    private final LinkProxy proxy;
    private final long start = System.nanoTime();
    private final long bytesBefore;
    private final List<Mark> events = new ArrayList<>();
    private final List<Mark> samples = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "link-trace");
        t.setDaemon(true);
        return t;
    });
    private String progressTable;

    LinkTrace(LinkProxy proxy) {
        this.proxy = proxy;
        this.bytesBefore = proxy.downstreamBytes();
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_MS, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        samples.add(new Mark(System.nanoTime(), proxy.downstreamBytesOnLink(), null));
    }

    @Override
    public synchronized void onEvent(SyncEvent event) {
        String what;
        if (event instanceof SyncEvent.TableProgress p) {
            if (p.table().equals(progressTable)) {
                return;
            }
            progressTable = p.table();
            what = "first rows of " + p.table();
        } else {
            what = event.toString();
            if (what.length() > 90) {
                what = what.substring(0, 90) + "…";
            }
        }
        events.add(new Mark(System.nanoTime(), proxy.downstreamBytes() - bytesBefore, what));
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    synchronized void print() {
        for (Mark e : events) {
            System.out.printf(Locale.ROOT, "        %7.3f s %,11d B  %s%n", seconds(e.nanos()), e.bytes(), e.what());
        }
        long idleFrom = -1;
        long lastBytes = -1;
        long total = 0;
        StringBuilder idle = new StringBuilder();
        for (Mark s : samples) {
            if (s.bytes() != lastBytes) {
                if (idleFrom >= 0 && s.nanos() - idleFrom >= IDLE_MS * 1_000_000) {
                    total += s.nanos() - idleFrom;
                    idle.append(String.format(Locale.ROOT, " %.2f–%.2f", seconds(idleFrom), seconds(s.nanos())));
                }
                idleFrom = s.nanos();
                lastBytes = s.bytes();
            }
        }
        System.out.printf(
                Locale.ROOT,
                "        the link carried nothing downstream for %.2f s in all (stretches of %d ms or more):%s%n",
                total / 1e9,
                IDLE_MS,
                idle);
    }

    private double seconds(long nanos) {
        return (nanos - start) / 1e9;
    }
}
