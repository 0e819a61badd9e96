package dev.outpost.cli;

import dev.outpost.client.OutpostException;
import dev.outpost.client.OutpostReplica;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code outpost sync}: brings the replica up to date and prints what happened. */
@Command(name = "sync", mixinStandardHelpOptions = true, description = "Bring the replica up to date with the server.")
final class SyncCommand implements Callable<Integer> {
    private static final long PROGRESS_EVERY_NANOS = 500_000_000L;

    @Mixin
    ReplicaOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--live",
            description = "After the sync, keep applying the server's changes as they are committed, until stopped"
                    + " (Ctrl-C).")
    boolean live;

    @Option(
            names = "--full",
            description = "Download every table again into a new database, whatever the version check says.")
    boolean full;

    private long tableStart;
    private long lastPrint;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (OutpostReplica replica = options.open()) {
            replica.addListener(event -> progress(err, event));
            SyncResult r = full ? replica.rebuild() : replica.sync();
            out.printf(
                    "%s: tag %s -> %s, %d tables downloaded, %d kept, %d reloaded, %d rows, %d bytes, %.1f s%n",
                    r.outcome(),
                    tag(r.previousTag()),
                    tag(r.newTag()),
                    r.tablesRebuilt().size(),
                    r.tablesKept().size(),
                    r.tablesReloaded().size(),
                    r.rows(),
                    r.bytes(),
                    r.duration().toMillis() / 1000.0);
            if (!r.tablesRebuilt().isEmpty()) {
                out.println("tables: " + String.join(", ", r.tablesRebuilt()));
            }
            if (!r.tablesReloaded().isEmpty()) {
                out.println("reloaded (rows changed on the server): " + String.join(", ", r.tablesReloaded()));
            }
            if (r.changesApplied() > 0) {
                out.println("changes applied: " + r.changesApplied());
            }
            QuarantineTable.print(out, r.quarantined());
            out.flush();
            if (live) {
                followUntilStopped(replica, out);
            }
            return ExitCodes.OK;
        }
    }

    /**
     * Follows the feed until the process is asked to stop (the replica is closed by a shutdown hook) or
     * live mode stops for good (a refused token: thrown, so the command exits with its code).
     */
    private static void followUntilStopped(OutpostReplica replica, PrintWriter out) {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<OutpostException> stopped = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            replica.close();
            ended.countDown();
        }));
        replica.addListener(event -> {
            if (event instanceof SyncEvent.LiveSyncStopped s) {
                stopped.set(s.error());
                ended.countDown();
            }
        });
        out.println("following the change feed (Ctrl-C stops)");
        out.flush();
        replica.startLiveSync();
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopped.get() != null) {
            throw stopped.get();
        }
    }

    private static String tag(String tag) {
        return tag == null ? "(none)" : tag;
    }

    private void progress(PrintWriter err, SyncEvent event) {
        long now = System.nanoTime();
        if (event instanceof SyncEvent.RebuildStarted s) {
            err.printf(
                    "updating replica (%s): %d tables%n", s.reason(), s.tables().size());
            tableStart = now;
        } else if (event instanceof SyncEvent.TableProgress p && now - lastPrint >= PROGRESS_EVERY_NANOS) {
            double seconds = Math.max(1e-3, (now - tableStart) / 1e9);
            err.printf("\r  %s: %d rows, %.0f rows/s ", p.table(), p.rowsSoFar(), p.rowsSoFar() / seconds);
            lastPrint = now;
        } else if (event instanceof SyncEvent.ChangesApplied c) {
            err.printf("applied %d changes, at position %d%n", c.changes(), c.position());
        } else if (event instanceof SyncEvent.TableLoaded l) {
            err.printf("\r  %s: %d rows%30s%n", l.table(), l.rows(), "");
            tableStart = now;
        }
        err.flush();
    }
}
