package dev.outpost.cli;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options every subcommand shares; turned into a {@link ReplicaConfig}. Also runs a command that
 * reports on the open replica ({@link #report}), so such a command holds only what it prints.
 */
final class ReplicaOptions {
    /** What a command prints about the open replica, returning its exit code ({@link ExitCodes}). */
    @FunctionalInterface
    interface Report {
        int print(OutpostReplica replica, PrintWriter out);
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--server",
            defaultValue = "${env:OUTPOST_SERVER}",
            description = "Server application root, e.g. http://127.0.0.1:8080/outpost/ (env OUTPOST_SERVER)")
    URI server;

    @Option(names = "--token", defaultValue = "${env:OUTPOST_TOKEN}", description = "Bearer token (env OUTPOST_TOKEN)")
    String token;

    @Option(
            names = "--replica",
            defaultValue = "./outpost-replica",
            description = "Replica directory (default: ${DEFAULT-VALUE})")
    Path replica;

    @Option(names = "--page-rows", description = "Rows per page (default: " + ReplicaConfig.DEFAULT_PAGE_ROWS + ")")
    Integer pageRows;

    @Option(
            names = "--compression",
            defaultValue = "AUTO",
            description = "Ask for compressed answers: AUTO (unless the server is on this machine), ALWAYS"
                    + " or NEVER (default: ${DEFAULT-VALUE})")
    ReplicaConfig.Compression compression;

    @Option(names = "--verbose", description = "Log progress details and print stack traces")
    boolean verbose;

    OutpostReplica open() {
        ReplicaConfig.Builder b = ReplicaConfig.builder()
                .serverUrl(server)
                .token(token)
                .directory(replica)
                .compression(compression);
        if (pageRows != null) {
            b.pageRows(pageRows);
        }
        return OutpostReplica.open(b.build());
    }

    /**
     * Opens the replica, prints the report to the command's output, flushes it and closes the
     * replica; the report's exit code. A failure is left to the command line's handler, which prints
     * it and maps its error code.
     */
    int report(Report report) {
        PrintWriter out = command.commandLine().getOut();
        try (OutpostReplica replica = open()) {
            int exit = report.print(replica, out);
            out.flush();
            return exit;
        }
    }
}
