package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Compares a replica table with its PostgreSQL original row by row. PostgreSQL gives each value's
 * text form; the Derby value is turned into the same text form here, independently of the client's
 * own conversion code, so a conversion bug in the client shows up as a difference.
 */
final class ReplicaComparison {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private ReplicaComparison() {}

    /** Column name and PostgreSQL type of a table, in ordinal order. */
    record Column(String name, String type) {}

    static List<Column> columns(Connection pg, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = pg.prepareStatement("select column_name, udt_name from information_schema.columns"
                + " where table_schema = 'public' and table_name = ? order by ordinal_position")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return columns;
    }

    /** Asserts that the replica's table has the same columns and rows (ordered by {@code id}). */
    static int assertSameRows(Connection pg, Connection derby, String table) throws SQLException {
        List<Column> columns = columns(pg, table);
        List<String> expected = pgRows(pg, table, columns);
        List<String> actual = derbyRows(derby, table, columns);
        assertEquals(expected.size(), actual.size(), table + ": row count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), table + ": row " + i);
        }
        return expected.size();
    }

    private static List<String> pgRows(Connection pg, String table, List<Column> columns) throws SQLException {
        StringBuilder sql = new StringBuilder("select ");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "t." : ", t.")
                    .append('"')
                    .append(columns.get(i).name())
                    .append("\"::text");
        }
        // qualified: an unqualified "order by id" would sort by the selected id::text
        sql.append(" from \"").append(table).append("\" t order by t.id");
        List<String> rows = new ArrayList<>();
        try (Statement st = pg.createStatement()) {
            st.execute("set time zone 'UTC'");
            st.execute("set bytea_output = 'hex'");
            try (ResultSet rs = st.executeQuery(sql.toString())) {
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(rs.getString(i));
                    }
                    rows.add(row.toString());
                }
            }
        }
        return rows;
    }

    private static List<String> derbyRows(Connection derby, String table, List<Column> columns) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = derby.createStatement();
                ResultSet rs = st.executeQuery("select * from " + table + " order by id")) {
            assertEquals(columns.size(), rs.getMetaData().getColumnCount(), table + ": column count");
            for (int i = 0; i < columns.size(); i++) {
                assertEquals(
                        columns.get(i).name().toUpperCase(),
                        rs.getMetaData().getColumnName(i + 1).toUpperCase(),
                        table + ": column " + i);
            }
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    row.add(text(rs, i + 1, columns.get(i).type()));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** The PostgreSQL text form of a Derby value holding a value of the given PostgreSQL type. */
    private static String text(ResultSet rs, int i, String pgType) throws SQLException {
        Object value = rs.getObject(i);
        if (value == null) {
            return null;
        }
        return switch (pgType) {
            case "numeric" -> ((BigDecimal) value).toPlainString();
            case "float8", "float4" -> floatText(((Number) value).doubleValue());
            case "bpchar" -> value.toString().replaceAll(" +$", "");
            case "timestamp" -> timestampText(rs.getTimestamp(i));
            case "timestamptz" -> timestampText(rs.getTimestamp(i)) + "+00";
            case "bytea" -> "\\x" + HexFormat.of().formatHex(bytes(value));
            case "text", "json", "jsonb", "varchar" -> value instanceof Clob clob ? clobText(clob) : value.toString();
            default -> value.toString();
        };
    }

    private static String floatText(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private static String timestampText(Timestamp ts) {
        LocalDateTime t = ts.toLocalDateTime();
        String text = t.format(SECONDS);
        if (t.getNano() == 0) {
            return text;
        }
        String fraction = String.format("%09d", t.getNano()).substring(0, 6).replaceAll("0+$", "");
        return text + "." + fraction;
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
