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

    @Option(
            names = "--json",
            description = "Print the result as one JSON object (snake_case keys) on one line instead of text;"
                    + " with --live, then one line per rebuild and per change-feed step. Progress stays on stderr.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (OutpostReplica replica = options.open();
                SyncProgress progress = SyncProgress.forProcess(err)) {
            replica.addListener(progress);
            SyncResult r = full ? replica.rebuild() : replica.sync();
            progress.close();
            if (json) {
                Reports.sync(out, "sync", r);
            } else {
                printText(out, r);
            }
            out.flush();
            if (live) {
                if (json) {
                    replica.addListener(event -> printJson(out, event));
                }
                followUntilStopped(replica, json ? err : out);
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

    /** The sync's result as text, for a person. */
    private static void printText(PrintWriter out, SyncResult r) {
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
    }

    /** Live mode's steps with {@code --json}: a line per rebuild and per change-feed step applied. */
    private static void printJson(PrintWriter out, SyncEvent event) {
        if (event instanceof SyncEvent.RebuildCompleted c) {
            Reports.sync(out, "rebuild_completed", c.result());
        } else if (event instanceof SyncEvent.ChangesApplied c) {
            Reports.changesApplied(out, c.changes(), c.position());
        }
    }
}
