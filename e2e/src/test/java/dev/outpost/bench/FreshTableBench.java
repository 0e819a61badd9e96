package dev.outpost.bench;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The first sync of a table created and filled a moment before, against the same sync once change
 * capture has caught up with the load (the baseline, same run): a new replica of a server whose
 * capture is still storing the table's {@code bench.rows} inserts (default 500,000) must neither wait
 * for it much longer nor apply those rows a second time from the feed. Measured in {@code
 * bench.rounds} rounds (default 2) of fresh, then quiet; the best of each is compared.
 */
public final class FreshTableBench {
    private FreshTableBench() {}

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 500_000);
        int rounds = Integer.getInteger("bench.rounds", 2);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "fresh-bench-");
        Machine.printFirstLine();
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost?user=outpost&password=outpost";
            sql(url, "create table anchor (id bigint primary key)");
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                            + "outpost.sync-tokens=bench\noutpost.liquibase.enabled=false\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "fresh-bench")) {
                awaitCapturedUpToNow(url); // the feed runs
                double bestFresh = Double.MAX_VALUE;
                double bestQuiet = Double.MAX_VALUE;
                for (int round = 1; round <= rounds; round++) {
                    bestFresh = Math.min(bestFresh, round(server, url, work, rows, round, false));
                    bestQuiet = Math.min(bestQuiet, round(server, url, work, rows, round, true));
                }
                System.out.printf(
                        Locale.ROOT,
                        "ratio: first sync of a table loaded a moment before / after capture caught up,"
                                + " best of %d rounds = %.2f / %.2f s = %.2fx (target <= 1.10), load average %.2f%n",
                        rounds,
                        bestFresh,
                        bestQuiet,
                        bestFresh / bestQuiet,
                        Machine.load());
            }
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    /** Loads the table anew and syncs a new replica, at once or once capture has stored the load. */
    private static double round(PayaraMicroServer server, String url, Path work, int rows, int round, boolean quiet)
            throws Exception {
        sql(url, "drop table if exists fresh_rows");
        sql(
                url,
                "create table fresh_rows (id bigint primary key, name varchar(100) not null,"
                        + " amount numeric(12,2), updated_at timestamptz not null)");
        sql(
                url,
                "insert into fresh_rows select i, 'name ' || i, i / 100.0, now() from generate_series(1, " + rows
                        + ") i");
        if (quiet) {
            long loaded = System.nanoTime();
            awaitCapturedUpToNow(url);
            System.out.printf(
                    Locale.ROOT,
                    "figure: round %d, capture stored the %,d inserts in %.2f s after their commit, load average %.2f%n",
                    round,
                    rows,
                    (System.nanoTime() - loaded) / 1e9,
                    Machine.load());
        }
        long capturedAtStart = storedChanges(url);
        Path directory = work.resolve((quiet ? "quiet-" : "fresh-") + round);
        long start = System.nanoTime();
        SyncResult result;
        try (OutpostReplica replica = OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(server.baseUri())
                .token("bench")
                .directory(directory)
                .build())) {
            result = replica.sync();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "figure: round %d, %-5s %,d rows (%,d of them captured when the sync began):"
                        + " %,d rows downloaded, %,d changes applied, %6.2f s, load average %.2f%n",
                round,
                quiet ? "quiet" : "fresh",
                rows,
                capturedAtStart,
                result.rows(),
                result.changesApplied(),
                seconds,
                Machine.load());
        return seconds;
    }

    /** Waits until the feed's slot has confirmed everything written to the WAL before this call. */
    static void awaitCapturedUpToNow(String url) throws Exception {
        String now = query(url, "select pg_current_wal_lsn()::text");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (!"t"
                .equals(
                        query(
                                url,
                                "select coalesce(bool_or(confirmed_flush_lsn >= '" + now
                                        + "'::pg_lsn), false) from pg_replication_slots where slot_name like 'outpost_feed%'"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("capture did not reach " + now + " in time");
            }
            Thread.sleep(100);
        }
    }

    private static String query(String url, String query) throws Exception {
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The table's changes in the log (the log exists once capture ran). */
    private static long storedChanges(String url) throws Exception {
        return Long.parseLong(
                query(url, "select count(*) from outpost_feed.change_log where table_name = 'fresh_rows'"));
    }

    private static void sql(String url, String statement) throws Exception {
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement()) {
            st.execute(statement);
        }
    }
}
