package dev.outpost.cli;

import java.io.IOException;
import java.io.Writer;
import java.sql.SQLException;
import java.util.List;

/**
 * Where {@code outpost sql} writes a result, row by row as Derby hands the rows over, so that no
 * format holds the whole result. Values are as {@link java.sql.ResultSet#getObject(int)} returns them
 * (a {@link java.sql.Blob} or {@link java.sql.Clob} is read while its row is current).
 */
interface SqlOutput {
    /** Called once, before the rows, with the columns' labels. */
    void begin(List<String> labels) throws IOException;

    /** One row, a value per column. */
    void row(Object[] values) throws IOException, SQLException;

    /** Called once after the last row, with how many there were. */
    void end(long rows) throws IOException;

    /** The output formats of {@code outpost sql --format}. */
    enum Format {
        /** An aligned text table sized by its first rows, with a row count. */
        TABLE,
        /** RFC 4180 CSV with a header line. */
        CSV,
        /** One JSON array of objects, a column label to each value. */
        JSON;

        SqlOutput to(Writer out) {
            return switch (this) {
                case TABLE -> new TableOutput(out, TableOutput.SIZING_ROWS);
                case CSV -> new CsvOutput(out);
                case JSON -> new JsonOutput(out);
            };
        }
    }
}
