package dev.outpost.server.changes;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.RowLines;
import dev.outpost.server.metrics.CountingOutputStream;
import dev.outpost.server.metrics.ServerMetrics;
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
import java.sql.Statement;

/**
 * Streams stored changes after a position: at least {@code limit} changes or all there are, never
 * ending inside a transaction, then the end marker with the position to continue from. Reads the log
 * in chunks of {@value #CHUNK_ROWS} rows by position ({@code where position > ? order by position
 * limit N}): a constant limit makes PostgreSQL walk the primary key from the position in every plan,
 * where an open-ended query over a large log could be planned as a scan and sort of the whole rest
 * of the log (tens of milliseconds per answer, visible as live-mode latency). The chunks are read in
 * one read-only repeatable-read transaction, so the answer is one snapshot of the log, as from a single
 * query: retention deleting rows meanwhile cannot open a gap in it, and a source transaction is never
 * read half. The position is checked against the feed's bounds in that same snapshot before the first
 * chunk ({@link SnapshotCheck}), so a position retention passed after an earlier check is refused,
 * never answered with a page that skips its deleted changes. What the caller may see of each change is decided by its {@link ScopedFeed}; the count
 * in the end marker counts what it was sent. Owns and closes the connection.
 */
final class ChangePageOutput implements StreamingOutput {
    /** Rows read per query; also what a live answer with a few changes costs to look up: one query. */
    static final int CHUNK_ROWS = 1_000;

    private final Connection connection;
    private final ScopedFeed feed;
    private final PreparedStatement statement;
    private ResultSet rows;
    private final long after;
    private final int limit;
    private final ServerMetrics metrics;

    private ChangePageOutput(
            Connection connection,
            ScopedFeed feed,
            PreparedStatement statement,
            ResultSet rows,
            long after,
            int limit,
            ServerMetrics metrics) {
        this.metrics = metrics;
        this.connection = connection;
        this.feed = feed;
        this.statement = statement;
        this.rows = rows;
        this.after = after;
        this.limit = limit;
    }

    /** Decides, from the bounds in the page's own snapshot, whether the position may be continued from. */
    @FunctionalInterface
    interface SnapshotCheck {
        /**
         * Throws the problem that refuses the position, if any.
         *
         * @param connection the page's connection, in its transaction, for reading more in the same snapshot
         */
        void check(ChangeLog.Bounds bounds, Connection connection) throws SQLException;
    }

    /**
     * Checks the position in the page's snapshot, then reads the first chunk, so that a failure is an
     * error response and not a broken stream.
     */
    static ChangePageOutput start(
            Connection connection, ScopedFeed feed, long after, int limit, SnapshotCheck check, ServerMetrics metrics)
            throws SQLException {
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                // for this transaction only: the pooled connection keeps its defaults
                st.execute("set transaction isolation level repeatable read, read only");
            }
            check.check(ChangeLog.snapshotBounds(connection), connection);
            PreparedStatement ps = connection.prepareStatement(feed.sql());
            feed.bind(ps, after);
            return new ChangePageOutput(connection, feed, ps, ps.executeQuery(), after, limit, metrics);
        } catch (SQLException | RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    @Override
    public void write(OutputStream output) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(output);
        long count = 0;
        try {
            BufferedWriter out = new BufferedWriter(new OutputStreamWriter(counted, StandardCharsets.UTF_8), 64 * 1024);
            long position = after;
            boolean done = false;
            // the change written next, held back until the next one is known: when the stored last change
            // of a transaction is not the caller's, the caller's last one before it is marked last instead
            ChangeLines.Change pending = null;
            while (!done) {
                int inChunk = 0;
                while (rows.next()) {
                    inChunk++;
                    position = rows.getLong(1);
                    boolean last = rows.getBoolean(4);
                    String stored = rows.getString(5);
                    ChangeLines.Change change = stored == null
                            ? null
                            : feed.change(
                                    Long.toString(position),
                                    rows.getString(2),
                                    rows.getString(3),
                                    rows.getString(7),
                                    last,
                                    rows.getString(6),
                                    ((RowLines.Row) RowLines.parse(stored)).values());
                    if (change != null) {
                        if (pending != null) {
                            RowLines.appendRow(out, pending.fields());
                        }
                        pending = change;
                        count++;
                    } else if (last && pending != null && !pending.last()) {
                        pending = new ChangeLines.Change(
                                pending.position(),
                                pending.table(),
                                pending.op(),
                                true,
                                pending.shape(),
                                pending.values());
                    }
                    if (last && count >= limit) {
                        done = true;
                        break;
                    }
                }
                rows.close();
                if (!done && inChunk == CHUNK_ROWS) {
                    feed.bind(statement, position);
                    rows = statement.executeQuery();
                } else {
                    done = true;
                }
            }
            if (pending != null) {
                RowLines.appendRow(out, pending.fields());
            }
            RowLines.appendEnd(out, count, Long.toString(position));
            out.flush();
        } catch (SQLException e) {
            throw new UncheckedIOException(new IOException("reading the change log failed", e));
        } finally {
            metrics.streamed(ServerMetrics.Stream.CHANGES, count, counted.count());
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
