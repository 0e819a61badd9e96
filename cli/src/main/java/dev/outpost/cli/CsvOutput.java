package dev.outpost.cli;

import java.io.IOException;
import java.io.Writer;
import java.sql.SQLException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * {@code outpost sql --format csv}: RFC 4180 (a header line, CRLF line ends, a field quoted when it
 * holds a comma, a quote or a line break, quotes doubled), written by Commons CSV one record at a
 * time. NULL is an empty field; binary values are Base64.
 */
final class CsvOutput implements SqlOutput {
    private final CSVPrinter printer;

    CsvOutput(Writer out) {
        try {
            printer = new CSVPrinter(out, CSVFormat.RFC4180);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void begin(List<String> labels) throws IOException {
        printer.printRecord(labels);
    }

    @Override
    public void row(Object[] values) throws IOException, SQLException {
        for (Object value : values) {
            printer.print(SqlValues.text(value));
        }
        printer.println();
    }

    @Override
    public void end(long rows) throws IOException {
        printer.flush();
    }
}
