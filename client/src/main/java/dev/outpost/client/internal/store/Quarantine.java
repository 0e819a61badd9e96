package dev.outpost.client.internal.store;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.Quarantined;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.RowDigest;
import dev.outpost.protocol.RowLines;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code OUTPOST_QUARANTINE}: the values a replica column cannot hold (a date of year 99999 in a
 * Derby DATE, NaN in a DOUBLE, ...), one row per value: table, the row's key as text, column and the
 * exact PostgreSQL text. The row itself is stored with NULL in that column, so a value Derby refuses
 * never stops a sync and is never lost: the quarantine is written in the same transaction as the row
 * on every path (first load, page by page, change feed, reload, copy of a kept table), and {@code
 * verify} digests the quarantined text in place of the NULL.
 *
 * <p>The row's key ({@link #key}) is the canonical text ({@link RowDigest#canonical}) of its primary
 * key column, the row line ({@link RowLines#rowLine}) of those of a composite key, or the replica's row
 * number ({@code OUTPOST_ROW}) of a table without a primary key; e.g. {@code 42}, {@code ["north","1"]}. The table is created on first use:
 * a replica without it has nothing in quarantine.
 */
public final class Quarantine {
    /** The table's name (in the replica's default schema). */
    public static final String TABLE = "OUTPOST_QUARANTINE";

    private static final String CREATE = "create table " + TABLE + " (table_name varchar(300) not null, "
            + "row_key varchar(32672) not null, column_name varchar(128) not null, pg_text clob not null)";

    private Quarantine() {}

    /** A value held in quarantine: the row's key, the column and the exact PostgreSQL text. */
    public record Entry(String key, String column, String text) {}

    /**
     * The key text of a row of {@code table}: from its values in PostgreSQL text form (all columns, in
     * table order), or its row number for a table without a primary key.
     */
    public static String key(ReplicaTable table, String[] texts, long rowNumber) {
        if (table.hasRowNumber()) {
            return Long.toString(rowNumber);
        }
        List<String> keyColumns = table.primaryKey();
        String[] key = new String[keyColumns.size()];
        for (int k = 0; k < key.length; k++) {
            for (int i = 0; i < table.columns().size(); i++) {
                ReplicaColumn column = table.columns().get(i);
                if (column.name().equals(keyColumns.get(k))) {
                    key[k] = RowDigest.canonical(column.pgType(), texts[i]);
                }
            }
        }
        return keyText(key);
    }

    /** The key text of canonical key values (in primary-key order). */
    public static String keyText(String[] canonicalKey) {
        return canonicalKey.length == 1
                ? canonicalKey[0]
                : RowLines.rowLine(canonicalKey).stripTrailing();
    }

    /**
     * Lets {@code column} of {@code table} hold NULL, in the caller's transaction, if the replica made
     * it NOT NULL: a database created before values were quarantined copied PostgreSQL's NOT NULL.
     */
    public static void allowNull(Connection c, ReplicaTable table, String column) throws SQLException {
        String schema = table.schema() == null ? "APP" : Identifiers.catalogName(table.schema());
        try (ResultSet rs = c.getMetaData()
                .getColumns(
                        null, schema, Identifiers.catalogName(table.tableName()), Identifiers.catalogName(column))) {
            if (!rs.next() || rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls) {
                return;
            }
        }
        try (Statement s = c.createStatement()) {
            s.executeUpdate("alter table " + table.sqlName() + " alter column " + Identifiers.sql(column) + " null");
        }
    }

    /** Whether the replica has a quarantine table. */
    public static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, "APP", TABLE, null)) {
            return rs.next();
        }
    }

    /** Adds entries of {@code table} (in the caller's transaction), creating the quarantine table if needed. */
    public static void add(Connection c, String table, List<Entry> entries) throws SQLException {
        if (entries.isEmpty()) {
            return;
        }
        if (!exists(c)) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate(CREATE);
                s.executeUpdate("create index OUTPOST_QUARANTINE_TABLE on " + TABLE + " (table_name)");
            }
        }
        try (PreparedStatement ps = c.prepareStatement("insert into " + TABLE + " values (?, ?, ?, ?)")) {
            for (Entry e : entries) {
                ps.setString(1, table);
                ps.setString(2, e.key());
                ps.setString(3, e.column());
                ps.setString(4, e.text());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Whether any value of {@code table} is in quarantine. */
    public static boolean has(Connection c, String table) throws SQLException {
        if (!exists(c)) {
            return false;
        }
        try (PreparedStatement ps =
                c.prepareStatement("select 1 from " + TABLE + " where table_name = ? fetch first 1 rows only")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Removes the entries of one row of {@code table}. */
    public static void remove(Connection c, String table, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("delete from " + TABLE + " where table_name = ? and row_key = ?")) {
            ps.setString(1, table);
            ps.setString(2, key);
            ps.executeUpdate();
        }
    }

    /** Removes every entry of {@code table}. */
    public static void clear(Connection c, String table) throws SQLException {
        if (!exists(c)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("delete from " + TABLE + " where table_name = ?")) {
            ps.setString(1, table);
            ps.executeUpdate();
        }
    }

    /** The entries of {@code table}: by row key, the quarantined texts by column name. */
    public static Map<String, Map<String, String>> of(Connection c, String table) throws SQLException {
        Map<String, Map<String, String>> byKey = new HashMap<>();
        for (Entry e : entries(c, table)) {
            byKey.computeIfAbsent(e.key(), k -> new HashMap<>()).put(e.column(), e.text());
        }
        return byKey;
    }

    /** The entries of {@code table}. */
    public static List<Entry> entries(Connection c, String table) throws SQLException {
        List<Entry> entries = new ArrayList<>();
        if (!exists(c)) {
            return entries;
        }
        try (PreparedStatement ps =
                c.prepareStatement("select row_key, column_name, pg_text from " + TABLE + " where table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        }
        return entries;
    }

    /** Copies the entries of a kept table from the active database into a new one (caller's transaction). */
    public static void copy(Connection from, Connection to, String table) throws SQLException {
        add(to, table, entries(from, table));
    }

    /**
     * The values of the active replica that Derby cannot hold, per table and column; empty when there
     * is no replica.
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when the replica cannot be read
     */
    public static List<Quarantined> held(DerbyReplicaStore store) {
        if (store.state().isEmpty()) {
            return List.of();
        }
        try (Connection c = store.connect()) {
            return counts(c);
        } catch (SQLException e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot read " + TABLE + ": " + e.getMessage(), e);
        }
    }

    /** Values in quarantine per table and column, ordered by table and column. */
    public static List<Quarantined> counts(Connection c) throws SQLException {
        List<Quarantined> counts = new ArrayList<>();
        if (!exists(c)) {
            return counts;
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select table_name, column_name, count(*) from " + TABLE
                        + " group by table_name, column_name order by table_name, column_name")) {
            while (rs.next()) {
                counts.add(new Quarantined(rs.getString(1), rs.getString(2), rs.getLong(3)));
            }
        }
        return counts;
    }
}
