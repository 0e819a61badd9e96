package dev.outpost.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;

/**
 * What a Java team would write instead of Outpost: a direct JDBC copy from PostgreSQL into Derby, and
 * Derby's bulk CSV import of a file PostgreSQL wrote. Both use the Derby settings the Outpost client
 * uses (page cache, log buffer), set as system properties before Derby boots, and the one it gives
 * each new database ({@link #newDatabase}).
 */
final class Baselines {
    private static final String DERBY_TABLE =
            "create table bench_rows (id bigint primary key, name varchar(100) not null,"
                    + " amount decimal(12,2), created_at timestamp not null, active boolean not null, note varchar(200))";
    private static final int BATCH = 1_000;
    private static final int COMMIT_EVERY = 10_000;

    private Baselines() {}

    static {
        // the client's rule (DerbyEngine.pageCachePages): 20,000 pages, fewer when a quarter of the heap
        // could not hold them as 64 KiB each, never fewer than Derby's default of 1,000
        long pages = Runtime.getRuntime().maxMemory() / 4 / (64 * 1024);
        System.setProperty("derby.storage.pageCacheSize", String.valueOf(Math.max(1_000, Math.min(20_000, pages))));
        System.setProperty("derby.storage.logBufferSize", "1048576");
    }

    /** Seconds for a single-connection batched copy, PostgreSQL cursor to Derby inserts. */
    static double directCopy(String pgUrl, Path derbyDir) throws SQLException {
        long start = System.nanoTime();
        try (Connection pg = DriverManager.getConnection(pgUrl, "outpost", "outpost");
                Connection derby = newDatabase(derbyDir)) {
            pg.setAutoCommit(false);
            derby.setAutoCommit(false);
            try (Statement ddl = derby.createStatement()) {
                ddl.execute(DERBY_TABLE);
            }
            try (Statement read = pg.createStatement();
                    PreparedStatement insert =
                            derby.prepareStatement("insert into bench_rows values (?, ?, ?, ?, ?, ?)")) {
                read.setFetchSize(10_000);
                try (ResultSet rs =
                        read.executeQuery("select id, name, amount, created_at, active, note from bench_rows")) {
                    long n = 0;
                    while (rs.next()) {
                        insert.setLong(1, rs.getLong(1));
                        insert.setString(2, rs.getString(2));
                        insert.setBigDecimal(3, rs.getBigDecimal(3));
                        insert.setTimestamp(4, rs.getTimestamp(4));
                        insert.setBoolean(5, rs.getBoolean(5));
                        insert.setString(6, rs.getString(6));
                        insert.addBatch();
                        if (++n % BATCH == 0) {
                            insert.executeBatch();
                        }
                        if (n % COMMIT_EVERY == 0) {
                            derby.commit();
                        }
                    }
                    insert.executeBatch();
                    derby.commit();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        shutdown(derbyDir);
        return seconds;
    }

    /** Seconds for Derby's {@code SYSCS_IMPORT_TABLE} of a CSV file PostgreSQL wrote (export not timed). */
    static double csvImport(String pgUrl, Path derbyDir) throws Exception {
        Files.createDirectories(derbyDir.getParent());
        Path csv = derbyDir.resolveSibling("bench_rows.csv");
        try (Connection pg = DriverManager.getConnection(pgUrl, "outpost", "outpost");
                var out = Files.newOutputStream(csv)) {
            pg.unwrap(PGConnection.class)
                    .getCopyAPI()
                    .copyOut(
                            "copy (select id, name, amount,"
                                    + " to_char(created_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS'), case when active then 'true' else 'false' end,"
                                    + " note from bench_rows) to stdout with (format csv)",
                            out);
        }
        long start = System.nanoTime();
        try (Connection derby = newDatabase(derbyDir)) {
            try (Statement ddl = derby.createStatement()) {
                ddl.execute(DERBY_TABLE);
            }
            try (PreparedStatement imp = derby.prepareStatement(
                    "call SYSCS_UTIL.SYSCS_IMPORT_TABLE(null, 'BENCH_ROWS', ?, ',', '\"', 'UTF-8', 0)")) {
                imp.setString(1, csv.toString());
                imp.execute();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        shutdown(derbyDir);
        return seconds;
    }

    /**
     * A new Derby database with the database-wide setting every replica database gets: the lowest
     * lock escalation threshold (see the client's {@code DerbyEngine.configureNew}).
     */
    static Connection newDatabase(Path derbyDir) throws SQLException {
        Connection derby = DriverManager.getConnection("jdbc:derby:" + derbyDir + ";create=true");
        try (CallableStatement set = derby.prepareCall(
                "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.escalationThreshold', '100')")) {
            set.execute();
        } catch (SQLException e) {
            derby.close();
            throw e;
        }
        return derby;
    }

    /**
     * Shuts a baseline's database down (untimed), so that its page cache does not stay in the heap the
     * next measurement runs in.
     */
    static void shutdown(Path derbyDir) {
        try {
            DriverManager.getConnection("jdbc:derby:" + derbyDir + ";shutdown=true")
                    .close();
        } catch (SQLException expected) {
            // Derby reports a successful shutdown as an exception (08006)
        }
    }
}
