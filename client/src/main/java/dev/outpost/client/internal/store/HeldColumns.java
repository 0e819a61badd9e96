package dev.outpost.client.internal.store;

import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The definition each table of a replica database was built with, in {@code OUTPOST_COLUMNS} (a row
 * per column: its place, its mapped definition, its place in the primary key), so that a later version
 * can tell a table that only gained columns from one that changed. A database built before this table
 * existed has none: its tables are then downloaded whole when they change.
 */
public final class HeldColumns {
    private static final String TABLE = "OUTPOST_COLUMNS";

    private HeldColumns() {}

    /**
     * A table's columns and primary key as the replica holds them.
     *
     * @param columns in the table's order
     * @param primaryKey key columns in key order
     */
    public record Held(List<ReplicaColumn> columns, List<String> primaryKey) {}

    /** Records the definitions of {@code tables} (in the caller's transaction), replacing any before. */
    public static void write(Connection c, List<ReplicaTable> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (exists(c)) {
                s.executeUpdate("delete from " + TABLE);
            } else {
                s.executeUpdate("create table " + TABLE + " (table_name varchar(1000) not null, ordinal int not null,"
                        + " name varchar(1000) not null, pg_type varchar(200) not null, kind varchar(30) not null,"
                        + " length int not null, precision int not null, scale int not null,"
                        + " nullable smallint not null, key_ordinal int not null)");
            }
        }
        try (PreparedStatement insert =
                c.prepareStatement("insert into " + TABLE + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (ReplicaTable table : tables) {
                for (int i = 0; i < table.columns().size(); i++) {
                    ReplicaColumn column = table.columns().get(i);
                    insert.setString(1, table.name());
                    insert.setInt(2, i);
                    insert.setString(3, column.name());
                    insert.setString(4, column.pgType());
                    insert.setString(5, column.kind().name());
                    insert.setInt(6, column.length());
                    insert.setInt(7, column.precision());
                    insert.setInt(8, column.scale());
                    insert.setInt(9, column.nullable() ? 1 : 0);
                    insert.setInt(10, table.primaryKey().indexOf(column.name()));
                    insert.addBatch();
                }
            }
            insert.executeBatch();
        }
    }

    /** The recorded definitions by table name; empty for a database that has none recorded. */
    public static Map<String, Held> read(Connection c) throws SQLException {
        Map<String, List<ReplicaColumn>> columns = new HashMap<>();
        Map<String, Map<Integer, String>> keys = new HashMap<>();
        if (!exists(c)) {
            return Map.of();
        }
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select table_name, name, pg_type, kind, length, precision, scale,"
                        + " nullable, key_ordinal from " + TABLE + " order by table_name, ordinal")) {
            while (rs.next()) {
                String table = rs.getString(1);
                String name = rs.getString(2);
                columns.computeIfAbsent(table, t -> new ArrayList<>())
                        .add(new ReplicaColumn(
                                name,
                                rs.getString(3),
                                ColumnKind.valueOf(rs.getString(4)),
                                rs.getInt(5),
                                rs.getInt(6),
                                rs.getInt(7),
                                rs.getInt(8) == 1));
                if (rs.getInt(9) >= 0) {
                    keys.computeIfAbsent(table, t -> new HashMap<>()).put(rs.getInt(9), name);
                }
            }
        }
        Map<String, Held> held = new HashMap<>();
        columns.forEach((table, list) -> {
            Map<Integer, String> key = keys.getOrDefault(table, Map.of());
            List<String> primaryKey = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) {
                primaryKey.add(key.get(i));
            }
            held.put(table, new Held(List.copyOf(list), List.copyOf(primaryKey)));
        });
        return held;
    }

    private static boolean exists(Connection c) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(null, "APP", TABLE, null)) {
            return rs.next();
        }
    }
}
