package dev.outpost.server.data;

import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.metrics.CountingOutputStream;
import dev.outpost.server.metrics.ServerMetrics;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Writes an open page query as row lines while reading it: at most one fetch of rows is in memory.
 * The end marker names the next page's cursor given (already sent in a header), if any.
 * Owns the connection and closes it when the page is written or fails; a failure mid-page ends the
 * stream without its end marker, which the client treats as a truncated page.
 */
final class RowPageOutput implements StreamingOutput {
    static final int FETCH_ROWS = 1_000;
    private static final int BUFFER = 64 * 1024;

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final TableSchema table;
    private final String next;
    private final ServerMetrics metrics;

    RowPageOutput(
            Connection connection,
            PreparedStatement statement,
            ResultSet rows,
            TableSchema table,
            String next,
            ServerMetrics metrics) {
        this.metrics = metrics;
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        this.table = table;
        this.next = next;
    }

    @Override
    public void write(OutputStream output) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(output);
        long count = 0;
        try {
            // rows are appended to a StringBuilder and handed to the writer in blocks: appending char by
            // char to a (synchronized) Writer was the larger part of the server's work per row
            Writer out = new OutputStreamWriter(counted, StandardCharsets.UTF_8);
            StringBuilder block = new StringBuilder(BUFFER + 4096);
            int width = table.columns().size();
            String[] values = new String[width];
            while (rows.next()) {
                for (int i = 0; i < width; i++) {
                    values[i] = rows.getString(i + 1);
                }
                RowLines.appendRow(block, values);
                count++;
                if (block.length() >= BUFFER) {
                    out.append(block);
                    block.setLength(0);
                }
            }
            RowLines.appendEnd(block, count, next);
            out.append(block);
            out.flush();
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("reading table " + table.name() + " failed", e));
        } finally {
            metrics.streamed(ServerMetrics.Stream.SNAPSHOT, count, counted.count());
            try {
                rows.close();
                statement.close();
            } catch (SQLException ignored) {
                // the connection is closed below either way
            }
            closeQuietly(connection);
        }
    }

    static void closeQuietly(Connection connection) {
        try {
            connection.rollback();
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // closing is what matters
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing more to release
        }
    }
}
