package dev.outpost.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code outpost sql --format table}: an aligned text table and a {@code (N rows)} line. Only the first
 * {@link #SIZING_ROWS} rows are held, to size the columns (at most {@value #MAX_CELL} characters each);
 * later rows are printed at once in those widths, a longer cell cut and ending in {@code ...}. NULL
 * shows as {@code NULL}, binary as its size, line breaks and tabs as spaces.
 */
final class TableOutput implements SqlOutput {
    static final int SIZING_ROWS = 200;
    static final int MAX_CELL = 60;

    private final PrintWriter out;
    private final int sizingRows;
    private List<String> header;
    private final List<String[]> first = new ArrayList<>();
    private int[] widths;

    /** Sizes the columns by the first {@code sizingRows} rows. */
    TableOutput(Writer out, int sizingRows) {
        this.out = new PrintWriter(out);
        this.sizingRows = sizingRows;
    }

    @Override
    public void begin(List<String> labels) {
        header = List.copyOf(labels);
    }

    @Override
    public void row(Object[] values) throws SQLException {
        String[] cells = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            cells[i] = cell(values[i]);
        }
        if (widths != null) {
            line(cells);
        } else {
            first.add(cells);
            if (first.size() == sizingRows) {
                printFirst();
            }
        }
    }

    @Override
    public void end(long rows) throws IOException {
        if (widths == null) {
            printFirst();
        }
        out.printf("(%d row%s)%n", rows, rows == 1 ? "" : "s");
        out.flush();
    }

    private void printFirst() {
        widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (String[] row : first) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        TextTable.line(out, header, widths);
        TextTable.rule(out, widths);
        first.forEach(this::line);
        first.clear();
    }

    private void line(String[] cells) {
        List<String> fitted = new ArrayList<>(cells.length);
        for (int i = 0; i < cells.length; i++) {
            fitted.add(fit(cells[i], widths[i]));
        }
        TextTable.line(out, fitted, widths);
    }

    /** {@code s} cut to {@code width} characters, ending in {@code ...} when cut. */
    static String fit(String s, int width) {
        if (s.length() <= width) {
            return s;
        }
        return width > 3 ? s.substring(0, width - 3) + "..." : s.substring(0, width);
    }

    private static String cell(Object value) throws SQLException {
        String s;
        if (value == null) {
            s = "NULL";
        } else if (value instanceof Blob b) {
            s = "<" + b.length() + " bytes>";
        } else if (value instanceof byte[] b) {
            s = "<" + b.length + " bytes>";
        } else if (value instanceof Clob c) {
            s = c.getSubString(1, (int) Math.min(c.length(), MAX_CELL + 1));
        } else {
            s = value.toString();
        }
        return fit(s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' '), MAX_CELL);
    }
}
