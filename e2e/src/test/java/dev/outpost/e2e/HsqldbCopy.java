package dev.outpost.e2e;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Copies a sample database that ships as HSQLDB files in a jar (Chinook, FoodMart) into a PostgreSQL
 * schema: its tables with the same names, columns, types and primary keys, and every row.
 */
final class HsqldbCopy {
    private static final int BATCH = 5000;

    private HsqldbCopy() {}

    /** A column as HSQLDB's metadata describes it. */
    private record Column(String name, int jdbcType, int size, int scale, boolean nullable) {}

    /**
     * Copies every table of {@code schema} in the HSQLDB database at {@code url} into PostgreSQL schema
     * {@code pgSchema} (created if missing).
     *
     * @return the copied table names
     */
    static List<String> copy(String url, String schema, Connection pg, String pgSchema) throws SQLException {
        List<String> copied = new ArrayList<>();
        try (Connection hsql = DriverManager.getConnection(url, "sa", "")) {
            DatabaseMetaData meta = hsql.getMetaData();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            try (Statement st = pg.createStatement()) {
                st.execute("create schema if not exists " + quote(pgSchema));
            }
            for (String table : tables) {
                List<Column> columns = columns(meta, schema, table);
                List<String> key = primaryKey(meta, schema, table);
                String target = quote(pgSchema) + "." + quote(table);
                try (Statement st = pg.createStatement()) {
                    st.execute(createTable(target, columns, key));
                }
                copyRows(hsql, pg, schema, table, target, columns);
                copied.add(table);
            }
        }
        return copied;
    }

    private static List<Column> columns(DatabaseMetaData meta, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema, table, "%")) {
            while (rs.next()) {
                columns.add(new Column(
                        rs.getString("COLUMN_NAME"),
                        rs.getInt("DATA_TYPE"),
                        rs.getInt("COLUMN_SIZE"),
                        rs.getInt("DECIMAL_DIGITS"),
                        rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls));
            }
        }
        return columns;
    }

    private static List<String> primaryKey(DatabaseMetaData meta, String schema, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                key.add(rs.getString("COLUMN_NAME"));
                order.add(rs.getInt("KEY_SEQ"));
            }
        }
        List<String> sorted = new ArrayList<>(key);
        for (int i = 0; i < key.size(); i++) {
            sorted.set(order.get(i) - 1, key.get(i));
        }
        return sorted;
    }

    /** @param target the table as PostgreSQL SQL */
    private static String createTable(String target, List<Column> columns, List<String> key) {
        String body = columns.stream()
                .map(c -> quote(c.name()) + " " + pgType(c) + (c.nullable() ? "" : " not null"))
                .collect(Collectors.joining(", "));
        if (!key.isEmpty()) {
            body += ", primary key (" + key.stream().map(HsqldbCopy::quote).collect(Collectors.joining(", ")) + ")";
        }
        return "create table " + target + " (" + body + ")";
    }

    private static String pgType(Column c) {
        return switch (c.jdbcType()) {
            case Types.TINYINT, Types.SMALLINT -> "int2";
            case Types.INTEGER -> "int4";
            case Types.BIGINT -> "int8";
            case Types.DECIMAL, Types.NUMERIC -> "numeric(" + c.size() + ", " + c.scale() + ")";
            case Types.REAL -> "float4";
            case Types.FLOAT, Types.DOUBLE -> "float8";
            case Types.BOOLEAN, Types.BIT -> "boolean";
            case Types.CHAR -> "char(" + c.size() + ")";
            case Types.VARCHAR -> "varchar(" + c.size() + ")";
            case Types.LONGVARCHAR, Types.CLOB -> "text";
            case Types.DATE -> "date";
            case Types.TIME -> "time";
            case Types.TIMESTAMP -> "timestamp";
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "bytea";
            default -> throw new IllegalArgumentException("no PostgreSQL type for " + c);
        };
    }

    private static void copyRows(
            Connection hsql, Connection pg, String schema, String table, String target, List<Column> columns)
            throws SQLException {
        String names = columns.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
        String insert = "insert into " + target + " (" + names + ") values ("
                + columns.stream().map(c -> "?").collect(Collectors.joining(", ")) + ")";
        boolean autoCommit = pg.getAutoCommit();
        pg.setAutoCommit(false);
        try (Statement st = hsql.createStatement();
                ResultSet rs = st.executeQuery("select " + names + " from " + quote(schema) + "." + quote(table));
                PreparedStatement ps = pg.prepareStatement(insert)) {
            int pending = 0;
            while (rs.next()) {
                for (int i = 1; i <= columns.size(); i++) {
                    ps.setObject(i, rs.getObject(i), columns.get(i - 1).jdbcType());
                }
                ps.addBatch();
                if (++pending == BATCH) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            ps.executeBatch();
            pg.commit();
        } finally {
            pg.setAutoCommit(autoCommit);
        }
    }

    private static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
