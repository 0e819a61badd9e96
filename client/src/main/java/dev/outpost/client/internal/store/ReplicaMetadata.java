package dev.outpost.client.internal.store;

import dev.outpost.client.ReplicaStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.TimeZone;

/**
 * The replica's own tables inside each Derby database: {@code OUTPOST_REPLICA} (one row: tag, schema
 * fingerprint, latest changeset, when it was synced, the identity of the server's database) and {@code OUTPOST_TABLES} (one row per synced
 * table: name, fingerprint, rows). Synced tables may not use the {@code OUTPOST_} prefix (preflight).
 */
public final class ReplicaMetadata {
    private static final String CREATE_REPLICA = "create table OUTPOST_REPLICA ("
            + "tag varchar(1000), schema_fingerprint varchar(1000) not null, latest_changeset varchar(1000), "
            + "synced_at timestamp not null, source_database varchar(1000))";
    private static final String CREATE_TABLES = "create table OUTPOST_TABLES ("
            + "position int not null primary key, table_name varchar(128) not null unique, "
            + "table_fingerprint varchar(1000), row_count bigint not null)";

    private ReplicaMetadata() {}

    /**
     * Completes a shadow: creates the metadata tables, stores the replica's state and drops the
     * shadow's {@link ShadowProgress}, in one transaction.
     */
    public static void write(Connection c, ReplicaStatus.Local state) throws SQLException {
        Transactions.inOne(c, s -> {
            s.executeUpdate(CREATE_REPLICA);
            s.executeUpdate(CREATE_TABLES);
            try (PreparedStatement ps = c.prepareStatement("insert into OUTPOST_REPLICA values (?, ?, ?, ?, ?)")) {
                ps.setString(1, state.tag());
                ps.setString(2, state.schemaFingerprint());
                ps.setString(3, state.latestChangeSet());
                ps.setTimestamp(4, Timestamp.from(state.syncedAt()), utc());
                ps.setString(5, state.database());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("insert into OUTPOST_TABLES values (?, ?, ?, ?)")) {
                int position = 0;
                for (ReplicaStatus.Table t : state.tables()) {
                    ps.setInt(1, position++);
                    ps.setString(2, t.name());
                    ps.setString(3, t.fingerprint());
                    ps.setLong(4, t.rows());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            ShadowProgress.drop(c);
        });
    }

    /**
     * Records a new server version whose tables all equal the replica's, in one transaction: a
     * reader sees the old version or the new one, with the same rows.
     */
    public static void updateVersion(Connection c, String tag, String schemaFingerprint, String latestChangeSet)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "update OUTPOST_REPLICA set tag = ?, schema_fingerprint = ?, latest_changeset = ?, synced_at = ?")) {
            ps.setString(1, tag);
            ps.setString(2, schemaFingerprint);
            ps.setString(3, latestChangeSet);
            ps.setTimestamp(4, Timestamp.from(java.time.Instant.now()), utc());
            ps.executeUpdate(); // one statement: atomic under auto-commit, and within a caller's transaction
        }
    }

    /** Reads the replica's state. */
    public static ReplicaStatus.Local read(Connection c) throws SQLException {
        List<ReplicaStatus.Table> tables = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "select table_name, table_fingerprint, row_count from OUTPOST_TABLES order by position")) {
                while (rs.next()) {
                    tables.add(new ReplicaStatus.Table(rs.getString(1), rs.getString(2), rs.getLong(3)));
                }
            }
            boolean knowsDatabase = hasColumn(c, "OUTPOST_REPLICA", "SOURCE_DATABASE");
            try (ResultSet rs = s.executeQuery("select tag, schema_fingerprint, latest_changeset, synced_at, "
                    + (knowsDatabase ? "source_database" : "cast(null as varchar(1))") + " from OUTPOST_REPLICA")) {
                if (!rs.next()) {
                    throw new SQLException("OUTPOST_REPLICA is empty");
                }
                return new ReplicaStatus.Local(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getTimestamp(4, utc()).toInstant(),
                        tables,
                        rs.getString(5),
                        FeedState.read(c).map(FeedState.State::position).orElse(null));
            }
        }
    }

    /**
     * Whether {@code table} has {@code column}: a replica written by an earlier client lacks the newer
     * columns, and reads as not knowing their values.
     */
    private static boolean hasColumn(Connection c, String table, String column) throws SQLException {
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, column)) {
            return rs.next();
        }
    }

    private static Calendar utc() {
        return Calendar.getInstance(TimeZone.getTimeZone(ZoneOffset.UTC));
    }
}
