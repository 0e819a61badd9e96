package dev.outpost.cli;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.protocol.VersionInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code outpost status}: the local replica next to the server's version. Works offline; exits with
 * the server's error code (e.g. 3) after printing the local part when the server cannot be asked.
 */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the local replica's version and tables next to the server's version.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ReplicaOptions options;

    @Option(names = "--json", description = "Print one JSON object (snake_case keys) instead of text")
    boolean json;

    @Override
    public Integer call() {
        return options.report(this::print);
    }

    private int print(OutpostReplica replica, PrintWriter out) {
        ReplicaStatus status = replica.status();
        if (json) {
            String directory = options.replica.toAbsolutePath().normalize().toString();
            Reports.status(out, directory, status, status.local() == null ? List.of() : replica.quarantined());
            return status.serverError() == null
                    ? ExitCodes.OK
                    : ExitCodes.of(status.serverError().code());
        }
        out.println("replica id: " + (status.replicaId() == null ? "none (read-only)" : status.replicaId()));
        ReplicaStatus.Local local = status.local();
        if (local == null) {
            out.println(
                    "local:  no replica in " + options.replica.toAbsolutePath().normalize());
        } else {
            out.printf(
                    "local:  tag %s, schema %s, synced %s%s%n",
                    local.tag(),
                    local.schemaFingerprint(),
                    local.syncedAt(),
                    local.feedPosition() == null ? "" : ", feed position " + local.feedPosition());
            TextTable table = new TextTable(List.of("table", "rows"));
            local.tables().forEach(t -> table.add(List.of(t.name(), Long.toString(t.rows()))));
            table.print(out);
            QuarantineTable.print(out, replica.quarantined());
        }
        ReplicaStatus.Pending pending = status.pending();
        if (pending != null) {
            out.printf(
                    "pending: %s, an unfinished rebuild kept for the next sync to resume (%.1f MB); a rebuild"
                            + " that fails locally (a full disk) is deleted at once%n",
                    pending.database(), pending.bytes() / 1e6);
        }
        VersionInfo server = status.server();
        if (server == null) {
            out.println("server: unreachable (" + status.serverError().getMessage() + ")");
            return ExitCodes.of(status.serverError().code());
        }
        out.printf(
                "server: tag %s, schema %s (%s)%n",
                server.tag(),
                server.schemaFingerprint(),
                status.upToDate() ? "replica is up to date" : "replica is out of date: run sync");
        return ExitCodes.OK;
    }
}
