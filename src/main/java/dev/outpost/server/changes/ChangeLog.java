package dev.outpost.server.changes;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.capture.FeedMode;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.problem.ProblemException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reads the stored change log's bounds with plain JDBC. */
final class ChangeLog {
    private static final String UNDEFINED_TABLE = "42P01";
    private static final long CAPTURE_POLL_MILLIS = 20;

    /** The bounds: newest position (of a change, or of a gap), horizon, schema epoch. */
    private static final String BOUNDS_COLUMNS = " " + FeedTables.NEWEST_POSITION + ","
            + " (select after_position from " + FeedTables.HORIZON + "),"
            + " (select coalesce(max(position), 0) from " + FeedTables.EPOCHS + ")";

    /** The bounds with the feed's mode, in one round trip. */
    private static final String BOUNDS = "select" + BOUNDS_COLUMNS + ", " + FeedMode.COLUMNS;

    private ChangeLog() {}

    /**
     * The positions a request is checked against ({@link FeedStatus} without the slot).
     *
     * @param latestPosition the newest position (of a change, or of a gap)
     * @param horizon positions up to this one cannot be continued from
     * @param epoch positions before this one predate the current schema
     */
    record Bounds(long latestPosition, long horizon, long epoch) {}

    /**
     * The feed's bounds and mode as one read found them.
     *
     * @param bounds {@code null} when capture never created the log in this database
     */
    record Feed(Bounds bounds, FeedMode mode) {
        /**
         * The bounds; a 503 {@link ProblemType#UNAVAILABLE} problem whose detail says why when the feed
         * does not run ({@link FeedMode}: snapshot-only) or capture never ran against this database.
         */
        Bounds require() {
            if (!mode.capturing()) {
                throw new ProblemException(ProblemType.UNAVAILABLE, mode.reason());
            }
            if (bounds == null) {
                throw new ProblemException(
                        ProblemType.UNAVAILABLE, "the change feed is not running on this database yet");
            }
            return bounds;
        }
    }

    /** The feed's bounds and mode, one query. */
    static Feed feed(Connection connection, boolean captureEnabled) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(BOUNDS)) {
            rs.next();
            return new Feed(
                    new Bounds(rs.getLong(1), rs.getLong(2), rs.getLong(3)), FeedMode.of(rs, 4, captureEnabled));
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            return new Feed(null, FeedMode.read(connection, captureEnabled));
        }
    }

    /** The feed's bounds, or the 503 problem of {@link Feed#require()}. */
    static Bounds bounds(Connection connection, boolean captureEnabled) throws SQLException {
        return feed(connection, captureEnabled).require();
    }

    /**
     * The bounds alone, as the transaction {@code connection} is in sees them: a page read checks its
     * position against them in its own snapshot.
     */
    static Bounds snapshotBounds(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select" + BOUNDS_COLUMNS)) {
            rs.next();
            return new Bounds(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /**
     * The feed's mode, bounds and replication slot's state. Always answers: in snapshot-only mode the
     * bounds are those the feed was left with (zero when it never ran here).
     */
    static FeedStatus status(Connection connection, boolean captureEnabled) throws SQLException {
        FeedMode mode = FeedMode.read(connection, captureEnabled);
        Bounds bounds;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(BOUNDS)) {
            rs.next();
            bounds = new Bounds(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            bounds = new Bounds(0, 0, 0);
        }
        String slot = FeedTables.slot(connection);
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select"
                        + " (select active from pg_replication_slots where slot_name = '" + slot + "'),"
                        + " (select (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint from pg_replication_slots"
                        + "   where slot_name = '" + slot + "')")) {
            rs.next();
            Long lag = rs.getObject(2) == null ? null : rs.getLong(2);
            return new FeedStatus(
                    mode.name(),
                    mode.reason(),
                    rs.getBoolean(1),
                    lag,
                    bounds.latestPosition(),
                    bounds.horizon(),
                    bounds.epoch());
        }
    }

    /**
     * Refuses a position the feed cannot continue from: one before the retention horizon (its changes
     * were deleted, or lost in a gap of the feed), one newer than anything stored (the log was reset),
     * and one before the newest schema epoch unless the replica already has the current schema (it
     * migrated, and the row shapes of the changes tell it which ones to skip).
     *
     * @param replicaSchema the replica's schema fingerprint as the request names it, or {@code null}
     * @param currentSchema the server's current schema fingerprint, read only when needed
     */
    static void checkContinuable(Bounds status, long after, String replicaSchema, SchemaSource currentSchema)
            throws SQLException {
        if (after < status.horizon()) {
            throw new ProblemException(
                    ProblemType.MUST_REBUILD,
                    "position " + after + " is older than the retention horizon (" + status.horizon()
                            + "): rebuild from a snapshot");
        }
        if (after > status.latestPosition()) {
            throw new ProblemException(
                    ProblemType.MUST_REBUILD,
                    "position " + after + " is newer than this feed (" + status.latestPosition()
                            + "): rebuild from a snapshot");
        }
        if (after < status.epoch() && (replicaSchema == null || !replicaSchema.equals(currentSchema.fingerprint()))) {
            throw new ProblemException(
                    ProblemType.MUST_REBUILD,
                    "the synced schema changed after position " + after
                            + " and the replica does not have the current schema: rebuild from a snapshot");
        }
    }

    /** The server's current schema fingerprint. */
    interface SchemaSource {
        String fingerprint() throws SQLException;
    }

    /**
     * Waits until capture has stored every change committed before this call: until the replication
     * slot's confirmed position (which capture moves only past stored transactions, and past the WAL
     * it has read when idle: {@code CaughtUp}) reaches the WAL's end as of the call.
     *
     * @return whether it did within {@code millis}; {@code false} at once when no instance is reading
     *     the slot
     */
    static boolean awaitCapturedUpToNow(Connection connection, long millis) throws SQLException, InterruptedException {
        String slot = FeedTables.slot(connection);
        String now;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select pg_current_wal_lsn()::text")) {
            rs.next();
            now = rs.getString(1);
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(millis);
        try (PreparedStatement ps = connection.prepareStatement(
                "select active, confirmed_flush_lsn >= ?::pg_lsn" + " from pg_replication_slots where slot_name = ?")) {
            ps.setString(1, now);
            ps.setString(2, slot);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        return false;
                    }
                    if (rs.getBoolean(2)) {
                        return true;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                Thread.sleep(CAPTURE_POLL_MILLIS);
            }
        }
    }
}
