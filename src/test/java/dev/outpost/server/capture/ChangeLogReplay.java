package dev.outpost.server.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.RowLines;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays the stored change log into memory, checking its invariants on the way (positions increase,
 * each source transaction appears once and whole), to compare the result with the tables themselves.
 */
final class ChangeLogReplay {
    /** Table name to its key columns' positions among all columns. */
    private final Map<String, int[]> keys;

    private final Map<String, Map<String, List<String>>> tables = new HashMap<>();

    ChangeLogReplay(Map<String, int[]> keys) {
        this.keys = keys;
        keys.keySet().forEach(t -> tables.put(t, new TreeMap<>()));
    }

    /** Replays the whole log; returns the number of changes. */
    int replay(Connection connection) throws SQLException {
        int changes = 0;
        long previousPosition = 0;
        String previousLsn = null;
        boolean previousLast = true;
        Map<String, Integer> transactions = new HashMap<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select position, commit_lsn::text, table_name, op, last, vals from "
                        + FeedTables.CHANGE_LOG + " order by position")) {
            while (rs.next()) {
                long position = rs.getLong(1);
                String lsn = rs.getString(2);
                assertTrue(position > previousPosition, "positions increase");
                if (!previousLast) {
                    assertEquals(previousLsn, lsn, "a transaction's changes are contiguous");
                }
                boolean last = rs.getBoolean(5);
                if (last) {
                    assertEquals(null, transactions.put(lsn, 1), "transaction " + lsn + " stored once");
                }
                apply(rs.getString(3), rs.getString(4), ((RowLines.Row) RowLines.parse(rs.getString(6))).values());
                previousPosition = position;
                previousLsn = lsn;
                previousLast = last;
                changes++;
            }
        }
        assertTrue(previousLast, "the log ends with a whole transaction");
        return changes;
    }

    private void apply(String table, String op, String[] values) {
        Map<String, List<String>> rows = tables.get(table);
        switch (op) {
            case ChangeLines.UPSERT -> rows.put(keyOf(table, values), Arrays.asList(values));
            case ChangeLines.DELETE -> rows.remove(String.join("\u0000", values));
            case ChangeLines.TRUNCATE -> rows.clear();
            default -> throw new AssertionError("op " + op);
        }
    }

    private String keyOf(String table, String[] row) {
        int[] key = keys.get(table);
        String[] values = new String[key.length];
        for (int i = 0; i < key.length; i++) {
            values[i] = row[key[i]];
        }
        return String.join("\u0000", values);
    }

    /**
     * Asserts the replayed table equals the real one, value for value in the text form of table pages
     * ({@code value::text} in the data endpoint's session settings).
     */
    void assertEqualsTable(Connection connection, String table) throws SQLException {
        Map<String, List<String>> actual = new TreeMap<>();
        try (Statement st = connection.createStatement()) {
            st.execute("set time zone 'UTC'");
            st.execute("set datestyle = 'ISO, YMD'");
            st.execute("set intervalstyle = 'postgres'");
            st.execute("set bytea_output = 'hex'");
            st.execute("set extra_float_digits = 1");
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("select * from " + table + " limit 0")) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    columns.add('"' + rs.getMetaData().getColumnName(i) + "\"::text");
                }
            }
            try (ResultSet rs = st.executeQuery("select " + String.join(", ", columns) + " from " + table)) {
                int width = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    String[] row = new String[width];
                    for (int i = 0; i < width; i++) {
                        row[i] = rs.getString(i + 1);
                    }
                    actual.put(keyOf(table, row), Arrays.asList(row));
                }
            }
        }
        Map<String, List<String>> replayed = tables.get(table);
        List<String> missing =
                actual.keySet().stream().filter(k -> !replayed.containsKey(k)).toList();
        List<String> extra =
                replayed.keySet().stream().filter(k -> !actual.containsKey(k)).toList();
        assertEquals(actual.size(), replayed.size(), table + ": rows; missing " + missing + ", extra " + extra);
        assertEquals(actual, tables.get(table), table);
    }
}
