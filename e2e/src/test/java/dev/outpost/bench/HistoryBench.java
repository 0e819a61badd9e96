package dev.outpost.bench;

import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.protocol.RowLines;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * What a fleet catching up on the same history costs PostgreSQL, through nginx with the shipped
 * configuration ({@code server-config/nginx/outpost.conf}), whose history cache keeps the complete
 * ranges of the change feed the server marks immutable. One server, {@code bench.changes} changes
 * (default 200,000, as "a day" of writes, in transactions of 100 rows) after the replicas' positions;
 * then, each time through a new nginx with an empty cache: one replica catches up, then {@code
 * bench.replicas} replicas (default 1,000, {@code bench.threads} at a time) that stopped at different
 * positions of the first hour catch up. Baseline in the same run: {@code bench.direct} replicas (default
 * 20) catching up straight from the server, which costs PostgreSQL a read of the history each.
 *
 * <p>A replica here is the feed requests a real one sends (same query parameters, {@code Accept-Encoding:
 * gzip}), reading each answer to its end marker and following it; applying the changes is the
 * client's business and costs PostgreSQL nothing. Printed per phase: requests, nginx cache hits, the
 * changes the server read from the log and sent ({@code outpost_streamed_rows_total}), PostgreSQL's
 * index scans and tuples fetched on the change log, and the time.
 */
public final class HistoryBench {
    private static final String TOKEN = "bench";
    private static final String METRICS_TOKEN = "bench-metrics";
    private static final int TRANSACTION_ROWS = 100;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String url;
    private final URI metrics;
    private long start;
    private long latest;

    private HistoryBench(String url, URI metrics) {
        this.url = url;
        this.metrics = metrics;
    }

    public static void main(String[] args) throws Exception {
        int changes = Integer.getInteger("bench.changes", 200_000);
        int replicas = Integer.getInteger("bench.replicas", 1_000);
        int threads = Integer.getInteger("bench.threads", 50);
        int direct = Integer.getInteger("bench.direct", 20);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "history-bench-");
        Path config = Path.of(System.getProperty("bench.nginx.conf", "server-config/nginx/outpost.conf"));
        Machine.printFirstLine();
        DebianPackages.Tool nginxTool = Nginx.locate(runDir);
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost?user=outpost&password=outpost";
            sql(url, "create table events (id bigint primary key, device int not null, note text, at timestamptz)");
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                            + "outpost.sync-tokens=" + TOKEN + "\noutpost.metrics-tokens=" + METRICS_TOKEN
                            + "\noutpost.liquibase.enabled=false\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "history-bench")) {
                URI changesUri = server.baseUri().resolve("api/sync/changes");
                HistoryBench bench = new HistoryBench(url, server.baseUri().resolve("api/metrics"));
                bench.start = bench.newest(changesUri);
                long written = System.nanoTime();
                for (int from = 0; from < changes; from += 10_000) {
                    sql(
                            url,
                            "do $$ begin for t in 0.." + (10_000 / TRANSACTION_ROWS - 1) + " loop"
                                    + " insert into events select i, i % 97, 'event ' || i, now()"
                                    + " from generate_series(" + from + " + t * " + TRANSACTION_ROWS + " + 1, "
                                    + from + " + (t + 1) * " + TRANSACTION_ROWS + ") i; commit; end loop; end $$");
                }
                FreshTableBench.awaitCapturedUpToNow(url);
                bench.latest = bench.newest(changesUri);
                System.out.printf(
                        Locale.ROOT,
                        "figure: %,d changes written and captured in %.1f s (positions %d to %d), load average %.2f%n",
                        changes,
                        (System.nanoTime() - written) / 1e9,
                        bench.start,
                        bench.latest,
                        Machine.load());
                Phase baseline = bench.phase("direct, no cache", changesUri, direct, Math.min(threads, direct));
                Phase one;
                Phase fleet;
                try (Nginx nginx =
                        Nginx.start(nginxTool, config, server.baseUri().getPort(), work.resolve("one"))) {
                    one = bench.phase("nginx, 1 replica", nginx.proxied(changesUri), 1, 1);
                }
                try (Nginx nginx =
                        Nginx.start(nginxTool, config, server.baseUri().getPort(), work.resolve("fleet"))) {
                    fleet = bench.phase(
                            "nginx, " + replicas + " replicas", nginx.proxied(changesUri), replicas, threads);
                }
                System.out.printf(
                        Locale.ROOT,
                        "ratio: changes read from PostgreSQL, %,d replicas / 1 replica through nginx = %,d / %,d = %.2fx"
                                + " (direct from the server: %.1fx per replica for %d replicas), load average %.2f%n",
                        replicas,
                        fleet.changesRead(),
                        one.changesRead(),
                        fleet.changesRead() / (double) one.changesRead(),
                        baseline.changesRead() / (double) one.changesRead(),
                        direct,
                        Machine.load());
            }
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    /** What one phase cost. */
    private record Phase(long changesRead) {}

    /**
     * {@code replicas} replicas catch up from positions of the history's first 10,000 (transaction
     * ends), {@code threads} at a time; prints and returns the cost.
     */
    private Phase phase(String name, URI changes, int replicas, int threads) throws Exception {
        long[] before = settledPgReads();
        long streamedBefore = changesStreamed();
        AtomicLong requests = new AtomicLong();
        AtomicLong hits = new AtomicLong();
        AtomicLong received = new AtomicLong();
        Random random = new Random(42);
        long began = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                long from = replicas == 1 ? start : start + TRANSACTION_ROWS * (long) random.nextInt(100);
                done.add(pool.submit(() -> {
                    catchUp(changes, from, requests, hits, received);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        long streamed = changesStreamed() - streamedBefore;
        long[] after = settledPgReads();
        System.out.printf(
                Locale.ROOT,
                "figure: %-22s %,7d requests (%,7d cache hits), %,11d changes received, %,9d read from the log"
                        + " and sent by the server; PostgreSQL on the change log: %,6d index scans, %,10d tuples"
                        + " fetched; %6.1f s, load average %.2f%n",
                name,
                requests.get(),
                hits.get(),
                received.get(),
                streamed,
                after[0] - before[0],
                after[1] - before[1],
                seconds,
                Machine.load());
        return new Phase(streamed);
    }

    /** Follows the feed from {@code from} to the newest position, as a replica catching up. */
    private void catchUp(URI changes, long from, AtomicLong requests, AtomicLong hits, AtomicLong received)
            throws Exception {
        long position = from;
        while (position < latest) {
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(URI.create(changes + "?limit=10000&after=" + position))
                            .header("Authorization", "Bearer " + TOKEN)
                            .header("Accept-Encoding", "gzip")
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            requests.incrementAndGet();
            if ("HIT".equals(r.headers().firstValue("X-Outpost-Cache").orElse(""))) {
                hits.incrementAndGet();
            }
            InputStream body = r.body();
            if ("gzip".equals(r.headers().firstValue("Content-Encoding").orElse(""))) {
                body = new GZIPInputStream(body, 1 << 16);
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("after=" + position + " answered " + r.statusCode());
            }
            long lines = 0;
            String line;
            String last = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
                while ((line = in.readLine()) != null) {
                    lines++;
                    last = line;
                }
            }
            received.addAndGet(lines - 1);
            long next = Long.parseLong(((RowLines.End) RowLines.parse(last)).next());
            if (next <= position) {
                throw new IllegalStateException("after=" + position + " did not move on");
            }
            position = next;
        }
    }

    private long newest(URI changes) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(changes)
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Long.parseLong(((RowLines.End) RowLines.parse(r.body().trim())).next());
    }

    /** The server's {@code outpost_streamed_rows_total} of the change feed. */
    private long changesStreamed() throws Exception {
        String text = http.send(
                        HttpRequest.newBuilder(metrics)
                                .header("Authorization", "Bearer " + METRICS_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : text.split("\n")) {
            if (line.startsWith("outpost_streamed_rows_total{stream=\"changes\"}")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** Index scans and tuples fetched on the change log, as PostgreSQL's statistics show them now. */
    private long[] pgReads() throws Exception {
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement();
                ResultSet rs = st.executeQuery("select coalesce(idx_scan, 0), coalesce(idx_tup_fetch, 0)"
                        + " from pg_stat_user_tables where schemaname = 'outpost_feed' and relname = 'change_log'")) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    /**
     * {@link #pgReads()} once they stopped moving: sessions report their statistics to PostgreSQL with a
     * delay (up to about 10 s for a pooled connection gone idle).
     */
    private long[] settledPgReads() throws Exception {
        long[] last = pgReads();
        long stableSince = System.nanoTime();
        while (System.nanoTime() - stableSince < 12_000_000_000L) {
            Thread.sleep(500);
            long[] now = pgReads();
            if (now[0] != last[0] || now[1] != last[1]) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }

    private static void sql(String url, String statement) throws Exception {
        try (Connection pg = DriverManager.getConnection(url);
                Statement st = pg.createStatement()) {
            st.execute(statement);
        }
    }
}
