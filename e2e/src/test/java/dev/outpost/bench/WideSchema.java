package dev.outpost.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A wide schema of small tables, for the fixed cost of a sync per table: {@code tables} tables
 * {@code wide_<n>} of {@code rowsPerTable} rows, with the 1M-row bench table's column types
 * (bigint, varchar, numeric, timestamptz, boolean, nullable varchar), every other table also a date and
 * an integer column, and every fourth table without a primary key. The baseline is what a Java team
 * would write without Outpost: per table, a hand-written {@code CREATE TABLE} in Derby (auto-commit)
 * and a batched JDBC copy of its rows committed at its end.
 */
final class WideSchema {
    private WideSchema() {}

    /** Creates the tables in the PostgreSQL database at {@code url} (user and password {@code user}). */
    static void create(String url, String user, int tables, int rowsPerTable) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, user);
                Statement st = c.createStatement()) {
            for (int t = 0; t < tables; t++) {
                st.execute("create table " + name(t) + " (id bigint" + (keyed(t) ? " primary key" : " not null")
                        + ", name varchar(100) not null, amount numeric(12,2), created_at timestamptz not null,"
                        + " active boolean not null, note varchar(200)"
                        + (wider(t) ? ", day date, qty integer" : "") + ")");
                st.execute("insert into " + name(t) + " select i, 'name ' || i, (i % 100000) / 100.0,"
                        + " timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', i % 3 = 0,"
                        + " case when i % 5 = 0 then null else 'a note about row ' || i end"
                        + (wider(t) ? ", date '2024-01-01' + i, i * 7" : "")
                        + " from generate_series(1, " + rowsPerTable + ") i");
            }
            st.execute("analyze");
        }
    }

    /** Seconds for the baseline copy of every table into a new Derby database in {@code derbyDir}. */
    static double directCopy(String url, String user, int tables, Path derbyDir) throws SQLException {
        long start = System.nanoTime();
        try (Connection pg = DriverManager.getConnection(url, user, user);
                Connection derby = Baselines.newDatabase(derbyDir)) {
            for (int t = 0; t < tables; t++) {
                derby.setAutoCommit(true);
                try (Statement ddl = derby.createStatement()) {
                    ddl.execute("create table " + name(t) + " (id bigint not null"
                            + (keyed(t) ? " primary key" : "")
                            + ", name varchar(100) not null, amount decimal(12,2), created_at timestamp not null,"
                            + " active boolean not null, note varchar(200)"
                            + (wider(t) ? ", day date, qty integer" : "") + ")");
                }
                derby.setAutoCommit(false);
                int columns = wider(t) ? 8 : 6;
                try (Statement read = pg.createStatement();
                        ResultSet rs = read.executeQuery("select * from " + name(t));
                        PreparedStatement insert = derby.prepareStatement(
                                "insert into " + name(t) + " values (?" + ", ?".repeat(columns - 1) + ")")) {
                    while (rs.next()) {
                        insert.setLong(1, rs.getLong(1));
                        insert.setString(2, rs.getString(2));
                        insert.setBigDecimal(3, rs.getBigDecimal(3));
                        insert.setTimestamp(4, rs.getTimestamp(4));
                        insert.setBoolean(5, rs.getBoolean(5));
                        insert.setString(6, rs.getString(6));
                        if (wider(t)) {
                            insert.setDate(7, rs.getDate(7));
                            insert.setInt(8, rs.getInt(8));
                        }
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                derby.commit();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Baselines.shutdown(derbyDir);
        return seconds;
    }

    private static String name(int table) {
        return "wide_" + table;
    }

    private static boolean keyed(int table) {
        return table % 4 != 0;
    }

    private static boolean wider(int table) {
        return table % 2 == 1;
    }
}
