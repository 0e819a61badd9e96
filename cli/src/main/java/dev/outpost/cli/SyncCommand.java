package dev.outpost.cli;

import dev.outpost.client.OutpostException;
import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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
                    + " by Ctrl-C (SIGINT) or SIGTERM: the stop takes under a second, keeps every change committed,"
                    + " prints the replica's tag and feed position and exits with 0.")
    boolean live;

    @Option(
            names = "--serve",
            arity = "0..1",
            fallbackValue = "0",
            paramLabel = "PORT",
            description = "With --live: serve the replica read-only to other processes (sql, any JDBC tool with"
                    + " Derby's client driver) on 127.0.0.1:PORT (default: a free port); prints the JDBC URL, whose"
                    + " user and password are in the replica directory's " + ServedReplica.FILE + " file.")
    Integer serve;

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
        if (serve != null && !live) {
            throw new ParameterException(spec.commandLine(), "--serve needs --live");
        }
        if (serve != null) {
            ServedReplica.prepare();
        }
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
                followUntilStopped(replica, json ? err : out, serve);
            }
            return ExitCodes.OK;
        }
    }

    /**
     * Follows the feed until the process is asked to stop (SIGINT or SIGTERM, {@link StopSignals}) or
     * live mode stops for good (a refused token: thrown, so the command exits with its code). A stop
     * ends live mode at once, keeping the changes committed (whole server transactions with their feed
     * position), closes the replica cleanly and prints where it stands; the command then succeeds: the
     * user asked for the end, and the replica is intact. Any other end of the JVM (SIGHUP) still
     * closes the replica, from a shutdown hook.
     */
    private void followUntilStopped(OutpostReplica replica, PrintWriter out, Integer servePort) {
        AtomicReference<OutpostException> refused = new AtomicReference<>();
        ServedReplica served = servePort == null ? null : ServedReplica.start(replica, options.replica, servePort);
        Thread hook = new Thread(
                () -> {
                    if (served != null) {
                        served.close();
                    }
                    replica.close();
                },
                "outpost-close");
        Runtime.getRuntime().addShutdownHook(hook);
        try (StopSignals signals = StopSignals.install()) {
            if (served != null) {
                replica.addListener(event -> {
                    if (event instanceof SyncEvent.RebuildCompleted) {
                        served.follow(replica);
                    }
                });
                out.println("serving the replica read-only at " + served.url() + " (user " + ServedReaders.READER
                        + ", schema " + ServedReplica.SCHEMA + ", password in "
                        + options.replica.resolve(ServedReplica.FILE) + ")");
            }
            replica.addListener(event -> {
                if (event instanceof SyncEvent.LiveSyncStopped s) {
                    refused.set(s.error());
                    signals.received().countDown();
                }
            });
            out.println("following the change feed (Ctrl-C stops)");
            out.flush();
            replica.startLiveSync();
            try {
                signals.received().await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (refused.get() != null) {
                throw refused.get();
            }
            replica.stopLiveSync();
            ReplicaStatus.Local local = replica.localState().orElseThrow();
            replica.close();
            out.printf(
                    "stopped (%s): the replica is intact at tag %s, %s%n",
                    signals.name() == null ? "interrupted" : signals.name(),
                    tag(local.tag()),
                    local.feedPosition() == null
                            ? "following no change feed"
                            : "feed position " + local.feedPosition());
            out.flush();
        } finally {
            if (served != null) {
                served.close();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it closes the replica
            }
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
