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
 * (one row: the position the next changes are asked after, and the position taken before this
 * database's snapshot) and {@code OUTPOST_FEED_TABLES} (per followed table: the row shape it was built
 * with and the position its snapshot was taken at; changes up to that position are already in it).
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
     * @param snapshotPosition the position taken before the database's snapshot: a table followed
     *     from an earlier position holds rows the database did not download (kept or widened)
     * @param tables the followed tables by name; a table missing here is not followed
     */
    public record State(long position, long snapshotPosition, Map<String, Table> tables) {
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
     * Starts the feed state of a new shadow database whose snapshot reads begin after {@code
     * snapshotPosition} was taken (idempotent: a resumed shadow keeps its first position).
     */
    public static void begin(Connection c, long snapshotPosition) throws SQLException {
        if (exists(c)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("create table " + FEED + " (position bigint not null, snapshot_position bigint not null)");
            s.executeUpdate("create table " + TABLES + " (table_name varchar(128) not null primary key,"
                    + " shape varchar(200) not null, snapshot_position bigint not null)");
            s.executeUpdate("insert into " + FEED + " values (" + snapshotPosition + ", " + snapshotPosition + ")");
        }
    }

    /** The position taken before the shadow's snapshot, if the shadow follows the feed. */
    public static Optional<Long> snapshotPosition(Connection c) throws SQLException {
        if (!exists(c)) {
            return Optional.empty();
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select snapshot_position from " + FEED)) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    /**
     * Records a table of the shadow as followed from {@code snapshotPosition}, and that the shadow's
     * feed position may not be later than {@code appliedThrough} (for a table copied from a database
     * that had applied changes up to there). Runs in the caller's transaction.
     */
    public static void follow(Connection c, String table, Table state, long appliedThrough) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("delete from " + TABLES + " where table_name = ?")) {
            delete.setString(1, table);
            delete.executeUpdate();
        }
        try (PreparedStatement insert = c.prepareStatement("insert into " + TABLES + " values (?, ?, ?)")) {
            insert.setString(1, table);
            insert.setString(2, state.shape());
            insert.setLong(3, state.snapshotPosition());
            insert.executeUpdate();
        }
        try (PreparedStatement update = c.prepareStatement("update " + FEED + " set position = ? where position > ?")) {
            update.setLong(1, appliedThrough);
            update.setLong(2, appliedThrough);
            update.executeUpdate();
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
            long snapshotPosition;
            try (ResultSet rs = s.executeQuery("select position, snapshot_position from " + FEED)) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                position = rs.getLong(1);
                snapshotPosition = rs.getLong(2);
            }
            Map<String, Table> tables = new HashMap<>();
            try (ResultSet rs = s.executeQuery("select table_name, shape, snapshot_position from " + TABLES)) {
                while (rs.next()) {
                    tables.put(rs.getString(1), new Table(rs.getString(2), rs.getLong(3)));
                }
            }
            return Optional.of(new State(position, snapshotPosition, tables));
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
