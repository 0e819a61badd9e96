package dev.outpost.bench;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The change feed's two figures, from one run: changes applied per second into one replica (a backlog
 * of {@code bench.changes} row updates in transactions of 100, applied by one {@code sync()}), and
 * live-mode commit-to-replica latency (p50, p99) at {@code bench.rate} single-row commits per second
 * for {@code bench.seconds} seconds, over loopback. The baseline in the same run replays the same
 * backlog from the server's stored change log straight into a Derby copy with JDBC (no HTTP, no
 * feed protocol): what a team would write by hand on top of the same capture. The backlog is measured
 * {@code bench.rounds} times (default 2), each round with a new backlog and a new baseline copy, and
 * the best of each is compared: the first round pays the JIT warm-up of Derby's update path, which the
 * baseline, running after it in the same JVM, would otherwise be spared.
 */
public final class FeedBench {
    private static final int ROWS = 20_000;
    private static final int ROWS_PER_TRANSACTION = 100;

    private FeedBench() {}

    public static void main(String[] args) throws Exception {
        int changes = Integer.getInteger("bench.changes", 200_000);
        int rate = Integer.getInteger("bench.rate", 200);
        int seconds = Integer.getInteger("bench.seconds", 20);
        int rounds = Integer.getInteger("bench.rounds", 2);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "feed-bench-");
        Machine.printFirstLine();
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost?user=outpost&password=outpost";
            try (Connection pg = DriverManager.getConnection(url);
                    Statement st = pg.createStatement()) {
                st.execute("create table feed_rows (id bigint primary key, name varchar(100) not null,"
                        + " amount numeric(12,2), seq bigint not null, updated_at timestamptz not null)");
                st.execute("insert into feed_rows select i, 'name ' || i, i / 100.0, 0, now()"
                        + " from generate_series(1, " + ROWS + ") i");
            }
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                            + "outpost.sync-tokens=bench\noutpost.liquibase.enabled=false\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "feed-bench");
                    OutpostReplica replica = OutpostReplica.open(ReplicaConfig.builder()
                            .serverUrl(server.baseUri())
                            .token("bench")
                            .directory(work.resolve("replica"))
                            .build())) {
                replica.sync();
                double bestOutpost = 0;
                double bestBaseline = 0;
                for (int round = 1; round <= rounds; round++) {
                    double[] rates = throughput(url, work.resolve("replay-" + round), replica, changes, round);
                    bestOutpost = Math.max(bestOutpost, rates[0]);
                    bestBaseline = Math.max(bestBaseline, rates[1]);
                }
                System.out.printf(
                        Locale.ROOT,
                        "ratio: Outpost / direct replay, best of %d rounds each = %,.0f / %,.0f changes/s = %.2fx"
                                + " (Outpost target >= 50,000 changes/s)%n",
                        rounds,
                        bestOutpost,
                        bestBaseline,
                        bestOutpost / bestBaseline);
                latency(url, replica, rate, seconds);
            }
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    /** One round: a new backlog, applied by Outpost, then replayed by the baseline; returns both rates. */
    private static double[] throughput(String url, Path replayDir, OutpostReplica replica, int changes, int round)
            throws Exception {
        long before = storedChanges(url);
        try (Connection pg = DriverManager.getConnection(url);
                PreparedStatement update = pg.prepareStatement(
                        "update feed_rows set seq = seq + 1, amount = amount + 1, updated_at = now()"
                                + " where id > ? and id <= ?")) {
            for (int done = 0; done < changes; done += ROWS_PER_TRANSACTION) {
                int from = done % ROWS;
                update.setLong(1, from);
                update.setLong(2, from + ROWS_PER_TRANSACTION);
                update.executeUpdate();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (storedChanges(url) < before + changes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not capture the backlog in time");
            }
            Thread.sleep(100);
        }
        long start = System.nanoTime();
        SyncResult result = replica.sync();
        double outpost = (System.nanoTime() - start) / 1e9;
        double baseline = ChangeReplayBaseline.replay(url, replayDir, before, result.changesApplied(), ROWS);
        System.out.printf(
                Locale.ROOT,
                "figure: round %d, Outpost applying the feed       %,d changes in %6.2f s = %,9.0f changes/s%n",
                round,
                result.changesApplied(),
                outpost,
                result.changesApplied() / outpost);
        System.out.printf(
                Locale.ROOT,
                "figure: round %d, direct JDBC replay (baseline)   %,d changes in %6.2f s = %,9.0f changes/s%n",
                round,
                result.changesApplied(),
                baseline,
                result.changesApplied() / baseline);
        return new double[] {result.changesApplied() / outpost, result.changesApplied() / baseline};
    }

    private static void latency(String url, OutpostReplica replica, int rate, int seconds) throws Exception {
        ConcurrentHashMap<Long, Long> committedAt = new ConcurrentHashMap<>();
        long[] latencies = new long[rate * seconds];
        int[] seen = {0};
        long[] visible = {0};
        // the listener runs on the following thread: it keeps one connection, so that opening one per
        // event does not lengthen the cycle it measures
        PreparedStatement[] reader = {null};
        replica.addListener(event -> {
            if (event instanceof SyncEvent.ChangesApplied) {
                long now = System.nanoTime();
                try {
                    if (reader[0] == null) {
                        reader[0] = replica.openConnection()
                                .prepareStatement("select max(seq) from feed_rows where id = 1");
                    }
                    ResultSet rs = reader[0].executeQuery();
                    rs.next();
                    long max = rs.getLong(1);
                    synchronized (latencies) {
                        for (long s = visible[0] + 1; s <= max; s++) {
                            Long at = committedAt.remove(s);
                            if (at != null && seen[0] < latencies.length) {
                                latencies[seen[0]++] = now - at;
                            }
                        }
                        visible[0] = Math.max(visible[0], max);
                    }
                    rs.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        long base;
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement();
                ResultSet rs = st.executeQuery("select seq from feed_rows where id = 1")) {
            rs.next();
            base = rs.getLong(1);
        }
        synchronized (latencies) {
            visible[0] = base;
        }
        replica.startLiveSync();
        Thread.sleep(2_000);
        try (Connection pg = DriverManager.getConnection(url);
                PreparedStatement update =
                        pg.prepareStatement("update feed_rows set seq = ?, updated_at = now() where id = 1")) {
            long interval = TimeUnit.SECONDS.toNanos(1) / rate;
            long next = System.nanoTime();
            for (int i = 1; i <= rate * seconds; i++) {
                update.setLong(1, base + i);
                update.executeUpdate(); // auto-commit: the commit has returned when this returns
                committedAt.put(base + i, System.nanoTime());
                next += interval;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TimeUnit.NANOSECONDS.sleep(sleep);
                }
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            synchronized (latencies) {
                if (seen[0] >= latencies.length) {
                    break;
                }
            }
            Thread.sleep(50);
        }
        long[] sorted;
        synchronized (latencies) {
            sorted = Arrays.copyOf(latencies, seen[0]);
        }
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "figure: live commit-to-replica latency at %d commits/s for %d s: %d samples,"
                        + " p50 %.1f ms (target <= 10), p99 %.1f ms (target <= 35), max %.1f ms%n",
                rate,
                seconds,
                sorted.length,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
        captureHop(url, base);
    }

    /**
     * The first hop of the live latency, from PostgreSQL's own clock: each live commit's {@code
     * updated_at} (its transaction's start, just before its commit) to the start of the capture
     * transaction that stored it ({@code captured_at}). The rest is the server's answer and the
     * replica's apply.
     */
    private static void captureHop(String url, long base) throws Exception {
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement();
                ResultSet rs = st.executeQuery("select"
                        + " percentile_cont(0.5) within group (order by hop), percentile_cont(0.99) within group (order by hop)"
                        + " from (select extract(epoch from captured_at - (vals::jsonb ->> 4)::timestamptz) * 1000 as hop"
                        + " from outpost_feed.change_log where table_name = 'feed_rows' and (vals::jsonb ->> 0) = '1'"
                        + " and (vals::jsonb ->> 3)::bigint > " + base + ") h")) {
            rs.next();
            System.out.printf(
                    Locale.ROOT,
                    "figure: of which commit to capture's storing transaction: p50 %.1f ms, p99 %.1f ms%n",
                    rs.getDouble(1),
                    rs.getDouble(2));
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    static long storedChanges(String url) throws Exception {
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from outpost_feed.change_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
