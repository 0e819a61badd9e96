package dev.outpost.server.changes;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.RowLines;
import dev.outpost.server.capture.FeedTables;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Streams stored changes after a position while reading them (server-side cursor): at least {@code
 * limit} changes or all there are, never ending inside a transaction, then the end marker with the
 * position to continue from. Owns and closes the connection.
 */
final class ChangePageOutput implements StreamingOutput {
    private static final int FETCH_ROWS = 1_000;

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final long after;
    private final int limit;

    private ChangePageOutput(
            Connection connection, PreparedStatement statement, ResultSet rows, long after, int limit) {
        this.connection = connection;
        this.statement = statement;
        this.rows = rows;
        this.after = after;
        this.limit = limit;
    }

    /** Starts the query now, so that a failure is an error response and not a broken stream. */
    static ChangePageOutput start(Connection connection, long after, int limit) throws SQLException {
        try {
            connection.setAutoCommit(false);
            PreparedStatement ps =
                    connection.prepareStatement("select position, table_name, op, last, vals, shape from "
                            + FeedTables.CHANGE_LOG + " where position > ? order by position");
            ps.setFetchSize(FETCH_ROWS);
            ps.setLong(1, after);
            return new ChangePageOutput(connection, ps, ps.executeQuery(), after, limit);
        } catch (SQLException | RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    @Override
    public void write(OutputStream output) throws IOException {
        try {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 64 * 1024);
            long count = 0;
            long position = after;
            while (rows.next()) {
                position = rows.getLong(1);
                String[] values = ((RowLines.Row) RowLines.parse(rows.getString(5))).values();
                boolean last = rows.getBoolean(4);
                ChangeLines.Change change = new ChangeLines.Change(
                        Long.toString(position), rows.getString(2), rows.getString(3), last, rows.getString(6), values);
                RowLines.appendRow(out, change.fields());
                count++;
                if (last && count >= limit) {
                    break;
                }
            }
            RowLines.appendEnd(out, count, Long.toString(position));
            out.flush();
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("reading the change log failed", e));
        } finally {
            try {
                rows.close();
                statement.close();
            } catch (SQLException ignored) {
                // the connection is closed below either way
            }
            close(connection);
        }
    }

    private static void close(Connection connection) {
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
