package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.protocol.RowLines;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Compares a replica table with its PostgreSQL original value by value. PostgreSQL gives each value's
 * text form; the Derby value is turned into the same text form here, independently of the client's
 * own conversion code, so a conversion bug in the client shows up as a difference. Rows are compared
 * as sorted lists, so tables without a primary key compare too. Only floats are compared after
 * parsing both sides, because Java and PostgreSQL spell the same double differently.
 */
final class ReplicaComparison {
    private ReplicaComparison() {}

    /** Column name and PostgreSQL type of a table, in ordinal order. */
    record Column(String name, String type) {}

    static List<Column> columns(Connection pg, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = pg.prepareStatement("select column_name, udt_name from information_schema.columns"
                + " where table_schema = ? and table_name = ? order by ordinal_position")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return columns;
    }

    /** Asserts that the replica's table of the home schema has the same columns and rows; returns the row count. */
    static int assertSameRows(Connection pg, Connection derby, String table) throws SQLException {
        return assertSameRows(pg, derby, "public", null, table);
    }

    /**
     * Asserts that the replica's table has the same columns and rows; returns the row count.
     *
     * @param pgSchema the table's PostgreSQL schema
     * @param derbySchema its Derby schema ({@code null}: the default schema), as PostgreSQL spells it
     */
    static int assertSameRows(Connection pg, Connection derby, String pgSchema, String derbySchema, String table)
            throws SQLException {
        List<Column> columns = columns(pg, pgSchema, table);
        List<String> expected = pgRows(pg, pgSchema, table, columns);
        List<String> actual = derbyRows(
                derby,
                (derbySchema == null ? "" : Identifiers.sql(derbySchema) + ".") + Identifiers.sql(table),
                columns);
        assertEquals(expected.size(), actual.size(), table + ": row count");
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                assertEquals(shorten(expected.get(i)), shorten(actual.get(i)), table + ": row " + i);
                assertEquals(expected.get(i), actual.get(i), table + ": row " + i + " (differs after 2000 chars)");
            }
        }
        return expected.size();
    }

    /**
     * Asserts that the replica's table of the home schema holds exactly a scoped view of the original:
     * the columns {@code granted} (all when {@code null}), no other, and the rows {@code where} admits.
     *
     * @param where an SQL condition over the original table, written by the test
     * @return the row count
     */
    static int assertSameScopedRows(Connection pg, Connection derby, String table, List<String> granted, String where)
            throws SQLException {
        List<Column> columns = columns(pg, "public", table).stream()
                .filter(c -> granted == null || granted.contains(c.name()))
                .toList();
        List<String> held = new ArrayList<>();
        try (Statement st = derby.createStatement();
                ResultSet rs = st.executeQuery("select * from " + Identifiers.sql(table) + " where 1 = 0")) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                // plain names are folded to upper case by Derby (Identifiers)
                held.add(rs.getMetaData().getColumnName(i).toLowerCase(java.util.Locale.ROOT));
            }
        }
        assertEquals(
                columns.stream()
                        .map(c -> c.name().toLowerCase(java.util.Locale.ROOT))
                        .sorted()
                        .toList(),
                held.stream().sorted().toList(),
                table + ": the replica holds the granted columns and no other");
        List<String> expected = pgRows(pg, "public", table, columns, where);
        List<String> actual = derbyRows(derby, Identifiers.sql(table), columns);
        assertEquals(expected.size(), actual.size(), table + ": row count in scope");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), table + ": row " + i + " in scope");
        }
        return expected.size();
    }

    /**
     * As {@link #assertSameRows(Connection, Connection, String)}, where a NULL that the replica's
     * {@code OUTPOST_QUARANTINE} holds the value of (by row key and column) counts as that exact text;
     * every quarantine entry of the table must stand for such a NULL.
     *
     * @param key the table's primary key columns; empty for a table without one (keyed by {@code OUTPOST_ROW})
     * @return the values taken from the quarantine
     */
    static int assertSameRowsWithQuarantine(Connection pg, Connection derby, String table, List<String> key)
            throws SQLException {
        List<Column> columns = columns(pg, "public", table);
        Map<String, Map<String, String>> quarantined = new HashMap<>();
        int entries = 0;
        try (PreparedStatement ps = derby.prepareStatement(
                "select row_key, column_name, pg_text from OUTPOST_QUARANTINE where table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    quarantined
                            .computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                            .put(rs.getString(2), rs.getString(3));
                    entries++;
                }
            }
        } catch (SQLException e) {
            if (!"42X05".equals(e.getSQLState())) { // no quarantine table: nothing quarantined
                throw e;
            }
        }
        String sql = columns.stream()
                        .map(c -> Identifiers.sql(c.name()))
                        .collect(Collectors.joining(", ", "select ", key.isEmpty() ? ", OUTPOST_ROW from " : " from "))
                + Identifiers.sql(table);
        List<String> actual = new ArrayList<>();
        int used = 0;
        try (Statement st = derby.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.add(text(rs, i + 1, columns.get(i).type()));
                }
                List<String> keyValues = new ArrayList<>();
                for (String k : key) {
                    keyValues.add(
                            row.get(columns.stream().map(Column::name).toList().indexOf(k)));
                }
                String rowKey = key.isEmpty()
                        ? Long.toString(rs.getLong(columns.size() + 1))
                        : keyValues.size() == 1
                                ? keyValues.get(0)
                                : RowLines.rowLine(keyValues.toArray(String[]::new))
                                        .stripTrailing();
                Map<String, String> texts = quarantined.getOrDefault(rowKey, Map.of());
                for (int i = 0; i < columns.size(); i++) {
                    String text = texts.get(columns.get(i).name());
                    if (text != null) {
                        assertEquals(
                                null,
                                row.get(i),
                                table + " " + rowKey + " " + columns.get(i).name() + " is NULL");
                        row.set(i, canonicalFloat(text, columns.get(i).type()));
                        used++;
                    }
                }
                actual.add(row.toString());
            }
        }
        actual.sort(null);
        List<String> expected = pgRows(pg, "public", table, columns);
        assertEquals(entries, used, table + ": every quarantine entry stands for a NULL of its row");
        assertEquals(expected.size(), actual.size(), table + ": row count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(shorten(expected.get(i)), shorten(actual.get(i)), table + ": row " + i);
            assertEquals(expected.get(i), actual.get(i), table + ": row " + i);
        }
        return used;
    }

    private static String shorten(String row) {
        return row.length() > 2000 ? row.substring(0, 2000) + "..." : row;
    }

    private static List<String> pgRows(Connection pg, String schema, String table, List<Column> columns)
            throws SQLException {
        return pgRows(pg, schema, table, columns, "true");
    }

    /** @param where an SQL condition over the table, {@code t} */
    private static List<String> pgRows(Connection pg, String schema, String table, List<Column> columns, String where)
            throws SQLException {
        String sql = columns.stream()
                        .map(c -> "t.\"" + c.name() + "\"::text")
                        .collect(Collectors.joining(", ", "select ", " from \""))
                + schema + "\".\"" + table + "\" t where " + where;
        List<String> rows = new ArrayList<>();
        try (Statement st = pg.createStatement()) {
            st.execute("set time zone 'UTC'");
            st.execute("set bytea_output = 'hex'");
            st.execute("set datestyle = 'ISO, YMD'");
            st.execute("set intervalstyle = 'postgres'");
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 0; i < columns.size(); i++) {
                        row.add(canonicalFloat(
                                rs.getString(i + 1), columns.get(i).type()));
                    }
                    rows.add(row.toString());
                }
            }
        }
        rows.sort(null);
        return rows;
    }

    /** @param table the table as Derby SQL */
    private static List<String> derbyRows(Connection derby, String table, List<Column> columns) throws SQLException {
        String sql = columns.stream()
                        .map(c -> Identifiers.sql(c.name()))
                        .collect(Collectors.joining(", ", "select ", " from "))
                + table;
        List<String> rows = new ArrayList<>();
        try (Statement st = derby.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.add(text(rs, i + 1, columns.get(i).type()));
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }

    /** Floats parsed and printed by Java; any other text unchanged. */
    private static String canonicalFloat(String text, String pgType) {
        if (text == null) {
            return null;
        }
        return switch (pgType) {
            case "float8" -> Double.toString(Double.parseDouble(text));
            case "float4" -> Float.toString(Float.parseFloat(text));
            default -> text;
        };
    }

    /** The PostgreSQL text form of a Derby value holding a value of the given PostgreSQL type. */
    private static String text(ResultSet rs, int i, String pgType) throws SQLException {
        Object value = rs.getObject(i);
        if (value == null) {
            return null;
        }
        return switch (pgType) {
            case "float8" -> Double.toString(((Number) value).doubleValue());
            case "float4" -> Float.toString(((Number) value).floatValue());
            case "numeric" -> value instanceof BigDecimal d ? d.toPlainString() : string(value);
            case "bpchar" -> string(value).replaceAll(" +$", "");
            case "timestamp" -> timestampText(rs.getString(i));
            case "timestamptz" -> {
                String ts = timestampText(rs.getString(i));
                yield ts.endsWith("infinity") ? ts : ts + "+00";
            }
            case "bytea" -> "\\x" + HexFormat.of().formatHex(bytes(value));
            default -> string(value);
        };
    }

    /**
     * Derby's {@code yyyy-mm-dd hh:mm:ss.fffffffff} as PostgreSQL writes it: microseconds without
     * trailing zeros; the two nanosecond values PostgreSQL cannot produce are its infinities.
     */
    private static String timestampText(String derby) {
        String[] parts = derby.split("\\.");
        String fraction = parts.length > 1 ? (parts[1] + "000000000").substring(0, 9) : "000000000";
        if (fraction.equals("999999999") && parts[0].equals("9999-12-31 23:59:59")) {
            return "infinity";
        }
        if (fraction.equals("000000001") && parts[0].equals("0001-01-01 00:00:00")) {
            return "-infinity";
        }
        String micros = fraction.substring(0, 6).replaceAll("0+$", "");
        return micros.isEmpty() ? parts[0] : parts[0] + "." + micros;
    }

    private static String string(Object value) throws SQLException {
        return value instanceof Clob clob ? clobText(clob) : value.toString();
    }

    private static byte[] bytes(Object value) throws SQLException {
        if (value instanceof Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        return (byte[]) value;
    }

    private static String clobText(Clob clob) throws SQLException {
        try (Reader r = clob.getCharacterStream()) {
            StringBuilder b = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = r.read(buf)) > 0; ) {
                b.append(buf, 0, n);
            }
            return b.toString();
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }
}
