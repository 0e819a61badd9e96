package dev.outpost.bench;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.e2e.LinkProxy;
import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.server.testsupport.TestLiquibase;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Syncs over links shaped like field networks ({@link LinkProxy}): 20 Mbit/s with a 50 ms round trip
 * and 2 Mbit/s with a 300 ms round trip, plus loopback through the same proxy unshaped for reference.
 * The replicas ask for compressed answers although the proxy is on 127.0.0.1. Four scenarios, each
 * on each link: the full sync of a large table ({@code bench.rows}, default 200,000) and four small
 * ones; the syncs after two releases that each add a column with a default to one table (a small one,
 * then the large one); and the sync of a backlog of {@code bench.changes} row updates (default 20,000)
 * committed while the replicas were offline. Each figure prints the bytes each way, the time, the
 * link's floor (bytes ÷ rate) and the time ÷ floor, and on a shaped link where the link sat idle
 * ({@link LinkTrace}). The full sync also prints its bytes ÷ the same rows as CSV gzipped at level 6,
 * and its time ÷ the larger of the link's floor and Derby's own CSV import of the large table (where
 * the link outruns Derby, Derby is the limit); a release its bytes ÷ the changed table's key and new
 * column as the server compresses them, and ÷ the table's share of the full sync. Each scenario first
 * runs on a replica kept for warming up, not counted. Once per run, one page of the large table under
 * several encodings ({@link WireSizes#printEncodings}).
 */
public final class LinkBench {
    private static final String TOKEN = "bench";
    private static final String CHANGELOG = "fixtures/link-bench/changelog.xml";
    private static final String LARGE = "bench_rows";
    private static final String CHANGED = "orders";
    private static final int ROWS_PER_TRANSACTION = 100;

    /** A shaped link: {@code bytesPerSecond} 0 is unlimited, {@code oneWay} half the round trip. */
    private record Link(String name, long bytesPerSecond, Duration oneWay) {
        double floorSeconds(long down, long up) {
            return bytesPerSecond <= 0 ? 0 : Math.max(down, up) / (double) bytesPerSecond;
        }
    }

    private static final List<Link> LINKS = List.of(
            new Link("loopback", 0, Duration.ZERO),
            new Link("20 Mbit/s 50 ms", 20_000_000 / 8, Duration.ofMillis(25)),
            new Link("2 Mbit/s 300 ms", 2_000_000 / 8, Duration.ofMillis(150)));

    private LinkBench() {}

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 200_000);
        int changes = Integer.getInteger("bench.changes", 20_000);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "link-bench-");
        Machine.printFirstLine();
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost";
            List<String> tables = createTables(url, rows);
            try (Connection pg = DriverManager.getConnection(url, "outpost", "outpost")) {
                TestLiquibase.update(pg, CHANGELOG, "r1");
            }
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                            + "outpost.sync-tokens=" + TOKEN + "\noutpost.liquibase.enabled=false\n"
                            + "outpost.version.max-age-ms=0\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "link-bench")) {
                run(server, url, work, tables, rows, changes);
            }
        } finally {
            TestPostgres.stop(postgres);
        }
        System.out.printf(Locale.ROOT, "load average at the end: %.2f%n", Machine.load());
    }

    private static void run(PayaraMicroServer server, String url, Path work, List<String> tables, int rows, int changes)
            throws Exception {
        URI base = server.baseUri();
        WireSizes.printEncodings(
                "one page of " + LARGE + " (" + ReplicaConfig.DEFAULT_PAGE_ROWS + " rows)",
                WireSizes.rawPage(base, TOKEN, LARGE, ReplicaConfig.DEFAULT_PAGE_ROWS),
                LINKS.stream()
                        .mapToLong(Link::bytesPerSecond)
                        .filter(r -> r > 0)
                        .toArray());
        long csvGzip = 0;
        long pages = 0;
        Map<String, Long> shares = new LinkedHashMap<>();
        for (String table : tables) {
            csvGzip += WireSizes.csvGzip6(url, table);
            long share = WireSizes.compressedPages(base, TOKEN, table, ReplicaConfig.DEFAULT_PAGE_ROWS);
            shares.put(table, share);
            pages += share;
        }
        long csv = csvGzip;
        long changedShare = shares.get(CHANGED);
        System.out.printf(
                Locale.ROOT,
                "reference: the %d tables as CSV gzipped at level 6: %,d bytes; their pages as the server"
                        + " compresses them: %,d bytes (%s: %,d), load average %.2f%n",
                tables.size(),
                csvGzip,
                pages,
                CHANGED,
                changedShare,
                Machine.load());
        FreshTableBench.awaitCapturedUpToNow(url + "?user=outpost&password=outpost");
        // where the link is faster than Derby stores rows, Derby is the floor: its own bulk import of
        // the large table's rows (a CSV file PostgreSQL wrote; writing it not timed)
        double importSeconds = Baselines.csvImport(url, work.resolve("csv-import"));
        System.out.printf(
                Locale.ROOT,
                "reference: Derby's CSV import of %s (%,d rows): %.2f s, load average %.2f%n",
                LARGE,
                rows,
                importSeconds,
                Machine.load());

        InetSocketAddress target = new InetSocketAddress("127.0.0.1", base.getPort());
        List<LinkProxy> proxies = new ArrayList<>();
        try {
            for (Link link : LINKS) {
                proxies.add(LinkProxy.start(target, link.bytesPerSecond(), link.oneWay()));
            }
            scenario(
                    "full sync",
                    proxies,
                    base,
                    work,
                    SyncResult.Outcome.CREATED,
                    m -> String.format(
                            Locale.ROOT,
                            "; bytes / CSV gzip 6 = %.2f (target <= 0.90: %s); time / max(floor, Derby's import)"
                                    + " = %.2f (target <= 1.20: %s)",
                            m.down() / (double) csv,
                            met(m.down() <= 0.9 * csv),
                            m.seconds() / Math.max(m.floor(), importSeconds),
                            met(m.seconds() <= 1.2 * Math.max(m.floor(), importSeconds))));

            try (Connection pg = DriverManager.getConnection(url, "outpost", "outpost")) {
                TestLiquibase.update(pg, CHANGELOG, "r2");
            }
            release(url, "r2", CHANGED, "carrier", changedShare, proxies, base, work);
            release(url, "r3", LARGE, "region", shares.get(LARGE), proxies, base, work);

            commitBacklog(url, changes, rows);
            scenario(
                    "backlog",
                    proxies,
                    base,
                    work,
                    SyncResult.Outcome.UP_TO_DATE,
                    m -> String.format(
                            Locale.ROOT, "; %,d changes applied", m.result().changesApplied()));
        } finally {
            proxies.forEach(LinkProxy::close);
        }
    }

    /**
     * The sync after release {@code tag}, which adds {@code column} (with a default) to {@code table}:
     * its bytes against the table's key and new column as the server compresses them, fetched on their
     * own (target at most 1.1), and against the table's share of the full sync.
     */
    private static void release(
            String url,
            String tag,
            String table,
            String column,
            long tableShare,
            List<LinkProxy> proxies,
            URI base,
            Path work)
            throws Exception {
        try (Connection pg = DriverManager.getConnection(url, "outpost", "outpost")) {
            TestLiquibase.update(pg, CHANGELOG, tag);
        }
        long keyAndColumn =
                WireSizes.compressedPages(base, TOKEN, table, List.of(column), ReplicaConfig.DEFAULT_PAGE_ROWS);
        System.out.printf(
                Locale.ROOT,
                "reference: %s's key and %s as the server compresses them: %,d bytes; the whole table: %,d bytes%n",
                table,
                column,
                keyAndColumn,
                tableShare);
        scenario("release: " + table + " + a column", proxies, base, work, SyncResult.Outcome.REBUILT, m -> {
            if (!m.result().tablesRebuilt().equals(List.of(table))) {
                throw new IllegalStateException(
                        "the release rebuilt " + m.result().tablesRebuilt());
            }
            return String.format(
                    Locale.ROOT,
                    "; bytes / (key + new column) = %.2f (target <= 1.10: %s); / the table's share of the full"
                            + " sync = %.2f",
                    m.down() / (double) keyAndColumn,
                    met(m.down() <= 1.1 * keyAndColumn),
                    m.down() / (double) tableShare);
        });
    }

    /**
     * One scenario's sync on each link (loopback first), after the same sync of a replica kept for
     * warming up; printed with its floor and, for a shaped link, the time neither loopback nor the
     * floor explains, in round trips of that link.
     */
    private static void scenario(
            String name,
            List<LinkProxy> proxies,
            URI base,
            Path work,
            SyncResult.Outcome expected,
            Function<Measured, String> more)
            throws Exception {
        // first, a replica of its own on loopback, not counted: the JVM loads and compiles the code
        // this scenario runs, which the first measured sync would otherwise pay for
        Measured warmUp = sync(LINKS.get(0), proxies.get(0), base, work.resolve("warm-up"), expected);
        System.out.printf(
                Locale.ROOT,
                "warm-up: %s on loopback, not counted: %.2f s, load average %.2f%n",
                name,
                warmUp.seconds(),
                Machine.load());
        double loopback = 0;
        for (int i = 0; i < LINKS.size(); i++) {
            Link link = LINKS.get(i);
            Path directory = work.resolve("replica-" + link.name().replaceAll("[^A-Za-z0-9]+", "-"));
            Measured m = sync(link, proxies.get(i), base, directory, expected);
            System.out.printf(
                    Locale.ROOT,
                    "figure: %-26s %-16s down %,11d B, up %,8d B, %6.2f s, load average %.2f%n",
                    name,
                    link.name(),
                    m.down(),
                    m.up(),
                    m.seconds(),
                    Machine.load());
            double floor = m.floor();
            String ratios;
            if (floor == 0) {
                loopback = m.seconds();
                ratios = "no floor (unshaped)";
            } else {
                double unexplained = m.seconds() - loopback - floor;
                ratios = String.format(
                        Locale.ROOT,
                        "floor %.2f s, time / floor %.2f (target <= 1.20: %s); time - loopback - floor = %.2f s"
                                + " = %.1f round trips",
                        floor,
                        m.seconds() / floor,
                        met(m.seconds() <= 1.2 * floor),
                        unexplained,
                        unexplained / (2 * link.oneWay().toNanos() / 1e9));
            }
            System.out.println("        " + ratios + more.apply(m));
        }
    }

    /** One sync through a link, with the bytes its proxy carried each way meanwhile and the link's floor for them. */
    private record Measured(SyncResult result, long down, long up, double seconds, double floor) {}

    /**
     * Opens the replica in {@code directory} through the link's proxy, syncs once (timed) and closes it:
     * offline until the next; {@code expected} null accepts any outcome.
     */
    private static Measured sync(Link link, LinkProxy proxy, URI base, Path directory, SyncResult.Outcome expected)
            throws Exception {
        URI viaProxy = URI.create("http://127.0.0.1:" + proxy.port() + base.getPath());
        ReplicaConfig config = ReplicaConfig.builder()
                .serverUrl(viaProxy)
                .token(TOKEN)
                .directory(directory)
                .compression(ReplicaConfig.Compression.ALWAYS)
                .build();
        try (OutpostReplica replica = OutpostReplica.open(config);
                LinkTrace trace = new LinkTrace(proxy)) {
            replica.addListener(trace);
            long down = proxy.downstreamBytes();
            long up = proxy.upstreamBytes();
            long start = System.nanoTime();
            SyncResult result = replica.sync();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (link.bytesPerSecond() > 0) {
                trace.print();
            }
            long downBytes = proxy.downstreamBytes() - down;
            long upBytes = proxy.upstreamBytes() - up;
            Measured measured =
                    new Measured(result, downBytes, upBytes, seconds, link.floorSeconds(downBytes, upBytes));
            if (expected != null && result.outcome() != expected) {
                throw new IllegalStateException(link.name() + ": expected " + expected + ", got " + result);
            }
            return measured;
        }
    }

    /** The large table and four small ones; returns their names. */
    private static List<String> createTables(String url, int rows) throws Exception {
        SyncBench.BenchTable.create(url, rows);
        try (Connection pg = DriverManager.getConnection(url, "outpost", "outpost");
                Statement st = pg.createStatement()) {
            st.execute("create table sites (id int primary key, name varchar(60) not null, region varchar(20),"
                    + " opened date)");
            st.execute("insert into sites select i, 'site ' || i, 'region ' || (i % 12), date '2020-01-01' + i"
                    + " from generate_series(1, 200) i");
            st.execute("create table devices (id bigint primary key, site_id int not null, serial varchar(32)"
                    + " not null, model varchar(30), installed_at timestamptz, active boolean not null)");
            st.execute("insert into devices select i, 1 + i % 200, substr(md5(i::text), 1, 16), 'model '"
                    + " || (i % 17), timestamptz '2022-01-01 00:00:00+00' + i * interval '37 minutes', i % 9 <> 0"
                    + " from generate_series(1, 5000) i");
            st.execute("create table orders (id bigint primary key, device_id bigint not null, placed_at"
                    + " timestamptz not null, quantity int not null, price numeric(10,2), state varchar(12))");
            st.execute("insert into orders select i, 1 + i % 5000, timestamptz '2024-01-01 00:00:00+00' + i *"
                    + " interval '3 minutes', 1 + i % 40, (i % 9000) / 7.0, (array['open','packed','shipped',"
                    + "'delivered'])[1 + i % 4] from generate_series(1, 20000) i");
            st.execute("create table price_list (code varchar(16) primary key, description text, price"
                    + " numeric(10,2))");
            st.execute("insert into price_list select 'P-' || lpad(i::text, 6, '0'), 'part number ' || i ||"
                    + " ' for model ' || (i % 17), (i % 500) * 1.25 from generate_series(1, 1000) i");
            st.execute("analyze");
        }
        return List.of(LARGE, "sites", "devices", CHANGED, "price_list");
    }

    /** Commits {@code changes} row updates to the large table, then waits until the feed stored them all. */
    private static void commitBacklog(String url, int changes, int rows) throws Exception {
        long before = FeedBench.storedChanges(url + "?user=outpost&password=outpost");
        long start = System.nanoTime();
        try (Connection pg = DriverManager.getConnection(url, "outpost", "outpost");
                PreparedStatement update =
                        pg.prepareStatement("update " + LARGE + " set amount = amount + 1 where id > ? and id <= ?")) {
            for (int done = 0; done < changes; done += ROWS_PER_TRANSACTION) {
                int from = done % rows;
                update.setLong(1, from);
                update.setLong(2, from + ROWS_PER_TRANSACTION);
                update.executeUpdate();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (FeedBench.storedChanges(url + "?user=outpost&password=outpost") < before + changes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the server did not capture the backlog in time");
            }
            Thread.sleep(100);
        }
        System.out.printf(
                Locale.ROOT,
                "backlog: %,d row updates in transactions of %d, committed and captured in %.1f s, load average"
                        + " %.2f%n",
                changes,
                ROWS_PER_TRANSACTION,
                (System.nanoTime() - start) / 1e9,
                Machine.load());
    }

    private static String met(boolean met) {
        return met ? "met" : "NOT met";
    }
}
