package dev.outpost.cli;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.VerifyResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code outpost verify}: compares the replica with the server table by table and prints each
 * difference; exits {@value ExitCodes#DIFFERENT} when there is one.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Compare the replica with the server, table by table (row counts and row hashes).")
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    ReplicaOptions options;

    @Option(names = "--json", description = "Print one JSON object (snake_case keys) instead of text")
    boolean json;

    @Override
    public Integer call() {
        return options.report(this::print);
    }

    private int print(OutpostReplica replica, PrintWriter out) {
        VerifyResult result = replica.verify();
        int exit = result.matches() ? ExitCodes.OK : ExitCodes.DIFFERENT;
        if (json) {
            Reports.verify(out, result, replica.quarantined());
            return exit;
        }
        TextTable table = new TextTable(List.of("table", "server rows", "replica rows", "result"));
        for (VerifyResult.Table t : result.tables()) {
            table.add(List.of(
                    t.name(),
                    Long.toString(t.serverRows()),
                    t.replicaRows() < 0 ? "-" : Long.toString(t.replicaRows()),
                    t.difference()));
        }
        table.print(out);
        QuarantineTable.print(out, replica.quarantined());
        out.println(result.matches() ? "replica equals the server" : "replica differs from the server");
        return exit;
    }
}
