package dev.outpost.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Rows printed as an aligned text table with a header line. */
final class TextTable {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> header) {
        this.header = header;
    }

    void add(List<String> row) {
        rows.add(row);
    }

    void print(PrintWriter out) {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        line(out, header, widths);
        rule(out, widths);
        rows.forEach(row -> line(out, row, widths));
    }

    /** The line under the header: dashes as wide as each column. */
    static void rule(PrintWriter out, int[] widths) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
    }

    /** One line of cells, each padded to its column's width (none is wider). */
    static void line(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            b.append(i == 0 ? "" : " | ")
                    .append(cells.get(i))
                    .append(" ".repeat(widths[i] - cells.get(i).length()));
        }
        out.println(b.toString().stripTrailing());
    }
}
