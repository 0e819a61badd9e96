package dev.outpost.client.internal.store;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where a replica stands in the server's change feed, inside each Derby database: {@code OUTPOST_FEED}
 * (one row: the position the next changes are asked after, the position this database's snapshot
 * began at, and the feed's mark for it) and {@code OUTPOST_FEED_TABLES} (per followed table: the row
 * shape it was built with and the position its snapshot was taken at; changes up to that position are
 * already in it).
 *
 * <p>A new database stores the mark the feed gave before its snapshot was read; the tables it
 * downloads follow "from the snapshot", and once every table is stored the mark is {@linkplain
 * #resolveSnapshot resolved} to a position, which becomes theirs.
 *
 * <p>The position moves only in the Derby transaction that applies the changes up to it, so a crash
 * never leaves a half-applied server transaction and never skips one. A database without these tables
 * (the server had no feed when it was built) follows no feed.
 */
public final class FeedState {
    private static final String FEED = "OUTPOST_FEED";
    private static final String TABLES = "OUTPOST_FEED_TABLES";

    private FeedState() {}

    /**
     * The feed state of a database.
     *
     * @param position changes after this position are still to be applied
     * @param tables the followed tables by name; a table missing here is not followed
     */
    public record State(long position, Map<String, Table> tables) {
        public State {
            tables = Map.copyOf(tables);
        }
    }

    /**
     * One followed table.
     *
     * @param shape the row shape its rows have ({@link dev.outpost.protocol.TableSchema#shape()})
     * @param snapshotPosition changes at or before this position are already in its rows
     */
    public record Table(String shape, long snapshotPosition) {}

    /**
     * Starts the feed state of a new shadow database whose snapshot reads begin after the feed gave
     * {@code mark} (idempotent: a resumed shadow keeps its first mark).
     */
    public static void begin(Connection c, String mark) throws SQLException {
        if (exists(c)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("create table " + FEED
                    + " (position bigint, snapshot_position bigint, snapshot_mark varchar(200) not null)");
            s.executeUpdate("create table " + TABLES + " (table_name varchar(128) not null primary key,"
                    + " shape varchar(200) not null, snapshot_position bigint)");
        }
        try (PreparedStatement insert = c.prepareStatement("insert into " + FEED + " values (null, null, ?)")) {
            insert.setString(1, mark);
            insert.executeUpdate();
        }
    }

    /** Whether the database follows the feed. */
    public static boolean follows(Connection c) throws SQLException {
        return exists(c);
    }

    /**
     * The mark of a shadow whose snapshot position is not resolved yet (a shadow begun by an earlier
     * client version stored its position at once, and has no mark).
     */
    public static Optional<String> unresolvedMark(Connection c) throws SQLException {
        try (ResultSet column = c.getMetaData().getColumns(null, null, FEED, "SNAPSHOT_MARK")) {
            if (!column.next()) {
                return Optional.empty();
            }
        }
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select snapshot_mark from " + FEED + " where snapshot_position is null")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
    }

    /**
     * Gives the shadow's snapshot its position: the tables that follow from the snapshot take it, and
     * the feed position becomes it unless a kept table still needs older changes. Runs in the caller's
     * transaction.
     */
    public static void resolveSnapshot(Connection c, long position) throws SQLException {
        try (PreparedStatement tables = c.prepareStatement(
                        "update " + TABLES + " set snapshot_position = ? where snapshot_position is null");
                PreparedStatement feed = c.prepareStatement("update " + FEED + " set snapshot_position = ?,"
                        + " position = case when position is null or position > ? then ? else position end")) {
            tables.setLong(1, position);
            tables.executeUpdate();
            feed.setLong(1, position);
            feed.setLong(2, position);
            feed.setLong(3, position);
            feed.executeUpdate();
        }
    }

    /**
     * Records a downloaded table of the shadow as following the feed from the shadow's snapshot, at the
     * position its mark resolves to. Runs in the caller's transaction.
     */
    public static void followFromSnapshot(Connection c, String table, String shape) throws SQLException {
        record(c, table, shape, null);
    }

    /**
     * Records a table of the shadow as followed from {@code snapshotPosition}, and that the shadow's
     * feed position may not be later than {@code appliedThrough} (for a table copied from a database
     * that had applied changes up to there). Runs in the caller's transaction.
     */
    public static void follow(Connection c, String table, Table state, long appliedThrough) throws SQLException {
        record(c, table, state.shape(), state.snapshotPosition());
        try (PreparedStatement update =
                c.prepareStatement("update " + FEED + " set position = ? where position is null or position > ?")) {
            update.setLong(1, appliedThrough);
            update.setLong(2, appliedThrough);
            update.executeUpdate();
        }
    }

    private static void record(Connection c, String table, String shape, Long snapshotPosition) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("delete from " + TABLES + " where table_name = ?")) {
            delete.setString(1, table);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = c.prepareStatement("insert into " + TABLES + " values (?, ?, ?)")) {
            insert.setString(1, table);
            insert.setString(2, shape);
            insert.setObject(3, snapshotPosition, Types.BIGINT);
            insert.executeUpdate();
        }
    }

    /** Stops following {@code table} (it is refreshed from snapshots only). Runs in the caller's transaction. */
    public static void unfollow(Connection c, String table) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (PreparedStatement delete = c.prepareStatement("delete from " + TABLES + " where table_name = ?")) {
            delete.setString(1, table);
            delete.executeUpdate();
        }
    }

    /** The database's feed state; empty when it follows no feed. */
    public static Optional<State> read(Connection c) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (Statement s = c.createStatement()) {
            long position;
            try (ResultSet rs = s.executeQuery("select position from " + FEED)) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                position = rs.getLong(1);
            }
            Map<String, Table> tables = new HashMap<>();
            try (ResultSet rs = s.executeQuery("select table_name, shape, snapshot_position from " + TABLES)) {
                while (rs.next()) {
                    tables.put(rs.getString(1), new Table(rs.getString(2), rs.getLong(3)));
                }
            }
            return Optional.of(new State(position, tables));
        }
    }

    /** The feed state of the store's active database; empty without a replica or a feed. */
    public static Optional<State> ofActive(DerbyReplicaStore store) {
        try (Connection c = store.connect()) {
            return read(c);
        } catch (SQLException e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot read the feed position: " + e.getMessage(), e);
        }
    }

    /** Moves the position; runs in the transaction that applied the changes up to it. */
    public static void advance(Connection c, long position) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update " + FEED + " set position = ?")) {
            update.setObject(1, position, Types.BIGINT);
            update.executeUpdate();
        }
    }

    private static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, null, FEED, null)) {
            return rs.next();
        }
    }
}
