package dev.outpost.bench;

import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many live followers on one server instance: a load generator holds {@code bench.followers} (default
 * 1000, 5000, 10000, one round each) concurrent long polls, each with its own position and replica id
 * as real clients send them, while a writer commits {@code bench.rate} (default 10) single-row
 * transactions per second. After a warm-up it measures for {@code bench.seconds} (default 30):
 * commit-to-delivery p50 and p99 over every follower's every change, the server's heap after a full
 * GC, its threads and CPU per delivered change, PostgreSQL's transactions per second (the writer's
 * own included), and the load generator's own CPU. Run with {@code mvn -f parent/pom.xml -Pbench
 * package -Dbench=followers}.
 */
public final class FollowersBench {
    private static final String TOKEN = "bench";
    private static final int WAIT_SECONDS = 20;
    /** Delivery latencies are counted in 1 ms buckets up to a minute. */
    private static final int BUCKETS = 60_000;

    private FollowersBench() {}

    public static void main(String[] args) throws Exception {
        int rate = Integer.getInteger("bench.rate", 10);
        int seconds = Integer.getInteger("bench.seconds", 30);
        List<Integer> counts = new ArrayList<>();
        for (String n : System.getProperty("bench.followers", "1000,5000,10000").split(",")) {
            counts.add(Integer.parseInt(n.trim()));
        }
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "followers-bench-");
        Machine.printFirstLine();
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost?user=outpost&password=outpost";
            try (Connection pg = DriverManager.getConnection(url);
                    Statement st = pg.createStatement()) {
                st.execute("create table ticks (id bigserial primary key, sent_micros bigint not null)");
            }
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost") + "outpost.sync-tokens="
                            + TOKEN + "\noutpost.liquibase.enabled=false\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "followers-bench")) {
                URI changes =
                        server.baseUri().resolve(SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.CHANGES);
                System.out.println("server: Payara Micro (-Xmx512m), " + changes + "; writer: " + rate + " commits/s");
                for (int followers : counts) {
                    round(server, url, changes, followers, rate, seconds);
                }
            }
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    private static void round(PayaraMicroServer server, String url, URI changes, int count, int rate, int seconds)
            throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread thread = new Thread(r, "follower-answers");
                    thread.setDaemon(true); // the bench ends when main does
                    return thread;
                }))
                .build();
        Deliveries deliveries = new Deliveries();
        AtomicBoolean running = new AtomicBoolean(true);
        String start = newest(http, changes);
        List<Follower> followers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Follower follower = new Follower(http, changes, start, deliveries, running);
            followers.add(follower);
            follower.poll();
        }
        try (Writer writer = new Writer(url, rate)) {
            // warm-up: every follower has had an answer (it follows), and the JIT has seen the path
            long warmUpEnd = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (followers.stream().anyMatch(f -> f.answers.get() == 0) && System.nanoTime() < warmUpEnd) {
                Thread.sleep(100);
            }
            int following =
                    (int) followers.stream().filter(f -> f.answers.get() > 0).count();
            Thread.sleep(5_000);
            deliveries.reset();
            Duration serverCpu = server.cpuTime();
            long benchCpu = benchCpuNanos();
            long transactions = transactions(url);
            long windowStart = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double window = (System.nanoTime() - windowStart) / 1e9;
            long delivered = deliveries.count();
            double pgTransactions = (transactions(url) - transactions) / window;
            double serverCpuSeconds = server.cpuTime().minus(serverCpu).toNanos() / 1e9;
            double benchCpuSeconds = (benchCpuNanos() - benchCpu) / 1e9;
            long threads = threads(server.pid());
            long heapMiB = heapAfterFullGc(server.pid());
            long failures = followers.stream().mapToLong(f -> f.failures.get()).sum();
            System.out.printf(
                    Locale.ROOT,
                    "figure: %d followers (%d following after warm-up), %d commits/s for %.0f s: %d deliveries,"
                            + " delivery p50 %d ms, p99 %d ms (target <= 1000), max %d ms; server heap after full GC"
                            + " %d MiB (target <= 512), server threads %d, server CPU %.1f s (%.1f µs per delivered"
                            + " change), PostgreSQL %.1f transactions/s (writer's own: %d), load generator CPU %.1f s,"
                            + " failed requests %d, load average %.2f%n",
                    count,
                    following,
                    rate,
                    window,
                    delivered,
                    deliveries.percentile(0.50),
                    deliveries.percentile(0.99),
                    deliveries.max(),
                    heapMiB,
                    threads,
                    serverCpuSeconds,
                    delivered == 0 ? 0 : serverCpuSeconds * 1e6 / delivered,
                    pgTransactions,
                    rate,
                    benchCpuSeconds,
                    failures,
                    Machine.load());
        } finally {
            running.set(false);
            // the polls still waiting end with their wait at the latest
            long end = System.nanoTime() + Duration.ofSeconds(WAIT_SECONDS + 15).toNanos();
            while (followers.stream().anyMatch(f -> f.inFlight.get()) && System.nanoTime() < end) {
                Thread.sleep(200);
            }
        }
    }

    /** One live replica's long polls: each answer's end position is the next request's {@code after}. */
    private static final class Follower {
        final HttpClient http;
        final URI changes;
        final String replica = UUID.randomUUID().toString();
        final Deliveries deliveries;
        final AtomicBoolean running;
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicBoolean inFlight = new AtomicBoolean();
        volatile String position;

        Follower(HttpClient http, URI changes, String position, Deliveries deliveries, AtomicBoolean running) {
            this.http = http;
            this.changes = changes;
            this.position = position;
            this.deliveries = deliveries;
            this.running = running;
        }

        void poll() {
            if (!running.get()) {
                inFlight.set(false);
                return;
            }
            inFlight.set(true);
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create(changes + "?after=" + position + "&wait=" + WAIT_SECONDS))
                    .header("Authorization", "Bearer " + TOKEN)
                    .header(SyncPaths.REPLICA_HEADER, replica)
                    .timeout(Duration.ofSeconds(WAIT_SECONDS + 30))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
                if (failure != null || response.statusCode() != 200) {
                    failures.incrementAndGet();
                } else {
                    read(response.body());
                    answers.incrementAndGet();
                }
                poll();
            });
        }

        private void read(String body) {
            long now = micros();
            for (String line : body.split("\n")) {
                if (line.isEmpty()) {
                    continue;
                }
                RowLines.Line parsed = RowLines.parse(line);
                if (parsed instanceof RowLines.Row row) {
                    ChangeLines.Change change = ChangeLines.Change.of(row.values());
                    deliveries.add((now - Long.parseLong(change.values()[1])) / 1000);
                } else {
                    position = ((RowLines.End) parsed).next();
                }
            }
        }
    }

    /** Commits one row with its commit time, {@code rate} times a second, on a thread of its own. */
    private static final class Writer implements AutoCloseable {
        private final Thread thread;
        private volatile boolean running = true;

        Writer(String url, int rate) {
            thread = new Thread(() -> write(url, rate), "writer");
            thread.start();
        }

        private void write(String url, int rate) {
            long interval = 1_000_000_000L / rate;
            try (Connection c = DriverManager.getConnection(url);
                    PreparedStatement insert = c.prepareStatement("insert into ticks (sent_micros) values (?)")) {
                long next = System.nanoTime();
                while (running) {
                    insert.setLong(1, micros());
                    insert.executeUpdate();
                    next += interval;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** Delivery latencies in 1 ms buckets. */
    private static final class Deliveries {
        private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS + 1);
        private final LongAdder count = new LongAdder();

        void add(long millis) {
            buckets.incrementAndGet((int) Math.max(0, Math.min(BUCKETS, millis)));
            count.increment();
        }

        void reset() {
            for (int i = 0; i <= BUCKETS; i++) {
                buckets.set(i, 0);
            }
            count.reset();
        }

        long count() {
            return count.sum();
        }

        long percentile(double p) {
            long total = count();
            long seen = 0;
            for (int i = 0; i <= BUCKETS; i++) {
                seen += buckets.get(i);
                if (total > 0 && seen >= Math.ceil(total * p)) {
                    return i;
                }
            }
            return -1;
        }

        long max() {
            for (int i = BUCKETS; i >= 0; i--) {
                if (buckets.get(i) > 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static String newest(HttpClient http, URI changes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(changes)
                            .header("Authorization", "Bearer " + TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return ((RowLines.End) RowLines.parse(r.body().trim())).next();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the change feed did not come up: " + r.body());
            }
            Thread.sleep(200);
        }
    }

    private static long micros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }

    /** Transactions PostgreSQL committed or rolled back in the application database so far. */
    private static long transactions(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select xact_commit + xact_rollback from pg_stat_database"
                        + " where datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long threads(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring("Threads:".length()).trim());
            }
        }
        return -1;
    }

    /** The server's heap in use right after a full GC ({@code jcmd GC.run}, then {@code GC.heap_info}). */
    private static long heapAfterFullGc(long pid) throws Exception {
        jcmd(pid, "GC.run");
        for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1)) / 1024;
            }
        }
        return -1;
    }

    private static String jcmd(long pid, String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
