package dev.outpost.server.changes;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.RowLines;
import dev.outpost.server.metrics.CountingOutputStream;
import dev.outpost.server.metrics.ServerMetrics;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
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
 * Streams stored changes after a position: at least {@code limit} changes, or those up to the end of
 * the position's range of the history ({@link HistoryRanges}), or all there are, whichever is fewest,
 * never ending inside a transaction, then the end marker with the position to continue from. Reads the log
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

    /** {@code Cache-Control} of an answer that can never change. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** nginx's per-response switch for buffering. */
    private static final String UNBUFFERED = "X-Accel-Buffering";

    private final Connection connection;
    private final ScopedFeed feed;
    private final PreparedStatement statement;
    private ResultSet rows;
    private final long after;
    private final int limit;
    private final long rangeEnd;
    private final TagSource tag;
    private final ServerMetrics metrics;

    private ChangePageOutput(
            Connection connection,
            ScopedFeed feed,
            PreparedStatement statement,
            ResultSet rows,
            long after,
            int limit,
            long rangeEnd,
            TagSource tag,
            ServerMetrics metrics) {
        this.tag = tag;
        this.metrics = metrics;
        this.rangeEnd = rangeEnd;
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
            Connection connection,
            ScopedFeed feed,
            long after,
            int limit,
            SnapshotCheck check,
            TagSource tag,
            ServerMetrics metrics)
            throws SQLException {
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                // for this transaction only: the pooled connection keeps its defaults
                st.execute("set transaction isolation level repeatable read, read only");
            }
            ChangeLog.Bounds bounds = ChangeLog.snapshotBounds(connection);
            check.check(bounds, connection);
            PreparedStatement ps = connection.prepareStatement(feed.sql());
            feed.bind(ps, after);
            long rangeEnd = HistoryRanges.end(connection, after, bounds);
            return new ChangePageOutput(connection, feed, ps, ps.executeQuery(), after, limit, rangeEnd, tag, metrics);
        } catch (SQLException | RuntimeException e) {
            close(connection);
            throw e;
        }
    }

    /**
     * Whether this answer can never change: it is history ({@link HistoryRanges}), whose range the log
     * in its snapshot already reaches past, and the log only grows at its end, in commit order (one
     * capturing writer assigns positions), so the transactions the answer ends with are all there and
     * every later read of the same position, limit and scope returns the same changes.
     */
    boolean complete() {
        return rangeEnd != Long.MAX_VALUE;
    }

    /**
     * The response carrying a changes answer: a {@linkplain #complete() complete} one is marked
     * immutable and shareable ({@code Cache-Control: public, max-age=1 year, immutable}, a weak ETag
     * from {@code tag}), so that a cache may keep it under its URI and the caller's history key; any
     * other answer is {@code no-store} and tells nginx not to buffer it ({@code X-Accel-Buffering: no}),
     * so a live answer reaches the client at once.
     */
    static Response response(StreamingOutput answer) throws SQLException {
        Response.ResponseBuilder builder = Response.ok(answer).type(MediaTypes.NDJSON);
        if (answer instanceof ChangePageOutput page && page.complete()) {
            return builder.header(HttpHeaders.CACHE_CONTROL, IMMUTABLE)
                    .tag(new EntityTag(page.tag.tag(), true))
                    .build();
        }
        return builder.header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(UNBUFFERED, "no")
                .build();
    }

    /** What identifies a complete answer besides its bytes' encoding; asked only for one. */
    @FunctionalInterface
    interface TagSource {
        String tag() throws SQLException;
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
                    if (last && (count >= limit || position >= rangeEnd)) {
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
