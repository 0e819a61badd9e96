package dev.outpost.cli;

import dev.outpost.client.Quarantined;
import java.io.PrintWriter;
import java.util.List;

/** Prints the replica's quarantined values per table and column, when there are any. */
final class QuarantineTable {
    private QuarantineTable() {}

    static void print(PrintWriter out, List<Quarantined> quarantined) {
        if (quarantined.isEmpty()) {
            return;
        }
        long total = quarantined.stream().mapToLong(Quarantined::values).sum();
        out.println("quarantined: " + total
                + " values Derby cannot hold are NULL in their rows; their exact text is in OUTPOST_QUARANTINE"
                + " (verify compares them)");
        TextTable table = new TextTable(List.of("table", "column", "values"));
        quarantined.forEach(q -> table.add(List.of(q.table(), q.column(), Long.toString(q.values()))));
        table.print(out);
    }
}
