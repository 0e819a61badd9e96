package dev.outpost.bench;

import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The version check under load, from the same machine, measured two ways in one run: against Payara
 * Micro directly, and through nginx running the deployment's own {@code server-config/nginx/outpost.conf}
 * (a ~1 s micro-cache per bearer token in front of {@code GET /api/sync/version}, nginx answering a
 * matching {@code If-None-Match} with {@code 304} itself). wrk sends the bearer token and the current
 * ETag ({@code 304}) for {@code -Dbench.seconds} (default 15) after a warm-up of {@code -Dbench.warmup}
 * seconds (default 20 for the server, a quarter of it for nginx), then the same without {@code
 * If-None-Match} ({@code 200}) both ways. Before the load, {@link ProxyCacheCheck} fails the bench if
 * the cache would serve an answer to a token the server did not accept. Sets up everything itself:
 * embedded PostgreSQL, the example changelogs (applied by the server at start-up), the WAR on Payara
 * Micro; fetches wrk ({@link Wrk}) and nginx ({@link Nginx}) from Debian's packages if they are
 * missing. Run with {@code mvn -f parent/pom.xml -Pbench package -Dbench=version}.
 */
public final class VersionBench {
    private static final String TOKEN = "bench";
    private static final double TARGET = 10_000;

    private VersionBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 15);
        int warmup = Integer.getInteger("bench.warmup", 20);
        int threads = Integer.getInteger("bench.threads", 2);
        int connections = Integer.getInteger("bench.connections", 32);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path nginxConfig = Path.of(System.getProperty("bench.nginx.conf", "server-config/nginx/outpost.conf"))
                .toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "bench-version-");
        String loadAtStart = loadAverage();
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, load average %s, java %s%n",
                Runtime.getRuntime().availableProcessors(),
                loadAtStart,
                Runtime.version());
        Wrk wrk = Wrk.locate(runDir, work);
        System.out.println("load generator: " + wrk.describe() + ", " + threads + " threads, " + connections
                + " connections, on the same machine");
        DebianPackages.Tool nginxBinary = Nginx.locate(runDir);
        System.out.println("reverse proxy: " + nginxBinary.describe() + " with " + nginxConfig);
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost") + "outpost.sync-tokens="
                            + TOKEN + "\noutpost.capture.enabled=false\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "version-bench");
                    Nginx nginx = Nginx.start(
                            nginxBinary, nginxConfig, server.baseUri().getPort(), work)) {
                URI direct = server.baseUri().resolve("api/sync/version");
                URI proxied = nginx.proxied(direct);
                System.out.println("server: Payara Micro, " + direct + "; through nginx: " + proxied);
                new ProxyCacheCheck(proxied, TOKEN).run(() -> newTable(postgres));
                Thread.sleep(1100); // the server's recent read is fresh again
                String etag = etag(direct);
                System.out.println("ETag " + etag);
                Map<String, String> revalidate = Map.of("Authorization", "Bearer " + TOKEN, "If-None-Match", etag);
                Map<String, String> plain = Map.of("Authorization", "Bearer " + TOKEN);
                Load load = new Load(wrk, serverProcess(properties), nginx, threads, connections, seconds);

                Measured notModified = load.run("304 direct", direct, revalidate, warmup);
                Measured notModifiedProxied = load.run("304 via nginx", proxied, revalidate, Math.max(3, warmup / 4));
                Measured ok = load.run("200 direct", direct, plain, Math.max(1, warmup / 2));
                Measured okProxied = load.run("200 via nginx", proxied, plain, Math.max(3, warmup / 4));
                System.out.printf(
                        Locale.ROOT,
                        "version 304 via nginx micro-cache: %,.0f requests/s (p50 %.2f ms, p99 %.2f ms, 304 %.1f %%),"
                                + " vs Payara direct %,.0f requests/s (p50 %.2f ms, p99 %.2f ms, 304 %.1f %%):"
                                + " ratio %.2fx%n",
                        notModifiedProxied.result().perSecond(),
                        notModifiedProxied.result().p50() / 1000.0,
                        notModifiedProxied.result().p99() / 1000.0,
                        notModifiedProxied.result().share304(),
                        notModified.result().perSecond(),
                        notModified.result().p50() / 1000.0,
                        notModified.result().p99() / 1000.0,
                        notModified.result().share304(),
                        notModifiedProxied.result().perSecond()
                                / notModified.result().perSecond());
                System.out.printf(
                        Locale.ROOT,
                        "server JVM CPU per 304: %.1f us direct, %.2f us via nginx (%.0f ms/s, idle: %.0f ms/s;"
                                + " nginx itself %.1f us per 304); requests reaching the server via nginx: %.1f/s%n",
                        notModified.serverMicros(),
                        notModifiedProxied.serverMicros(),
                        notModifiedProxied.serverMicros()
                                * notModifiedProxied.result().perSecond()
                                / 1000,
                        notModifiedProxied.serverIdle(),
                        notModifiedProxied.nginxMicros(),
                        notModifiedProxied.upstreamRequests()
                                / (notModifiedProxied.result().durationMicros() / 1e6));
                System.out.printf(
                        Locale.ROOT,
                        "version 200 via nginx micro-cache: %,.0f requests/s, vs Payara direct %,.0f requests/s:"
                                + " ratio %.2fx; 304 / 200 direct %.2fx%n",
                        okProxied.result().perSecond(),
                        ok.result().perSecond(),
                        okProxied.result().perSecond() / ok.result().perSecond(),
                        notModified.result().perSecond() / ok.result().perSecond());
                for (Measured m : new Measured[] {notModified, notModifiedProxied}) {
                    System.out.printf(
                            Locale.ROOT,
                            "target: %s %,.0f 304s/s (>= %,.0f: %s)%n",
                            m.name(),
                            m.result().perSecond(),
                            TARGET,
                            m.result().perSecond() >= TARGET
                                            && m.result().share304() > 99.9
                                            && m.result().other() == 0
                                    ? "met"
                                    : "NOT met");
                }
                System.out.println("load average at start " + loadAtStart + ", at end " + loadAverage());
                System.out.println("wrk output and nginx configuration: " + work);
            }
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    /** A new table changes the version's table fingerprints, hence its ETag. */
    private static void newTable(EmbeddedPostgres postgres) throws SQLException {
        try (Connection c = postgres.getDatabase("postgres", "outpost").getConnection();
                Statement st = c.createStatement()) {
            st.execute("create table bench_version_probe (id integer primary key)");
        }
    }

    /**
     * What one figure measured: wrk's result, the CPU time per request of the server and of nginx, and
     * the server's idle CPU rate (ms per second) sampled without load just before.
     */
    record Measured(
            String name,
            Wrk.Result result,
            double serverMicros,
            double nginxMicros,
            double serverIdle,
            long upstreamRequests) {}

    /**
     * Runs wrk against one URL after a warm-up and measures the CPU the server and nginx spent; between
     * them, {@value #IDLE_SECONDS} s without load sample what the server spends on its own (timers, JIT,
     * GC of the warm-up), so a figure through nginx can be read against it.
     */
    private record Load(Wrk wrk, ProcessHandle server, Nginx nginx, int threads, int connections, int seconds) {
        static final int IDLE_SECONDS = 3;

        Measured run(String name, URI url, Map<String, String> headers, int warmup)
                throws IOException, InterruptedException {
            String file = name.replace(' ', '-');
            wrk.run("warmup-" + file, url.toString(), headers, threads, connections, warmup);
            Duration idleFrom = cpu(server);
            Thread.sleep(IDLE_SECONDS * 1000L);
            double idle = cpu(server).minus(idleFrom).toNanos() / 1e6 / IDLE_SECONDS;
            Duration serverCpu = cpu(server);
            Duration nginxCpu = nginx.cpuTime();
            long upstream = nginx.upstreamRequests();
            Wrk.Result r = wrk.run(file, url.toString(), headers, threads, connections, seconds);
            Measured m = new Measured(
                    name,
                    r,
                    perRequest(cpu(server).minus(serverCpu), r),
                    perRequest(nginx.cpuTime().minus(nginxCpu), r),
                    idle,
                    nginx.upstreamRequests() - upstream);
            print(m);
            return m;
        }

        private static double perRequest(Duration cpu, Wrk.Result r) {
            return cpu.toNanos() / 1e3 / Math.max(1, r.requests());
        }
    }

    private static String etag(URI version) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> first = http.send(
                HttpRequest.newBuilder(version)
                        .header("Authorization", "Bearer " + TOKEN)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String etag = first.headers().firstValue("ETag").orElse(null);
        if (first.statusCode() != 200 || etag == null) {
            throw new IllegalStateException("version answered " + first.statusCode() + " " + first.headers());
        }
        int again = http.send(
                        HttpRequest.newBuilder(version)
                                .header("Authorization", "Bearer " + TOKEN)
                                .header("If-None-Match", etag)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (again != 304) {
            throw new IllegalStateException("a matching If-None-Match was answered " + again + ", not 304");
        }
        return etag;
    }

    /** The Payara Micro process started with this properties file. */
    private static ProcessHandle serverProcess(Path properties) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info()
                        .commandLine()
                        .map(c -> c.contains(properties.toString()))
                        .orElse(false))
                .findFirst()
                .orElse(null);
    }

    private static Duration cpu(ProcessHandle process) {
        return process == null
                ? Duration.ZERO
                : process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * One figure. The CPU time per request does not depend on how busy the machine is the way
     * requests/s does; the capacity it implies (all cores for the server, none for wrk) is an estimate.
     */
    private static void print(Measured m) throws IOException {
        Wrk.Result r = m.result();
        System.out.printf(
                Locale.ROOT,
                "figure: %-14s %,9.0f requests/s (%,d in %.1f s), 304 %.1f %%, 200 %,d, other %,d, socket errors %,d,"
                        + " latency p50 %.2f ms, p99 %.2f ms, max %.1f ms; load average %s%n",
                m.name(),
                r.perSecond(),
                r.requests(),
                r.durationMicros() / 1e6,
                r.share304(),
                r.s200(),
                r.other(),
                r.errors(),
                r.p50() / 1000.0,
                r.p99() / 1000.0,
                r.max() / 1000.0,
                loadAverage());
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(
                Locale.ROOT,
                "figure: %-14s CPU per request: server JVM %.2f us (%.0f ms/s; idle just before: %.0f ms/s),"
                        + " nginx %.2f us; estimate with %d cores for them alone: %,.0f requests/s%n",
                m.name(),
                m.serverMicros(),
                m.serverMicros() * r.perSecond() / 1000,
                m.serverIdle(),
                m.nginxMicros(),
                cores,
                cores * 1e6 / Math.max(0.01, m.serverMicros() + m.nginxMicros()));
        if (m.upstreamRequests() > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "figure: %-14s nginx passed %,d of the %,d requests to the server (%.1f/s)%n",
                    m.name(),
                    m.upstreamRequests(),
                    r.requests(),
                    m.upstreamRequests() / (r.durationMicros() / 1e6));
        }
    }

    /** The 1, 5 and 15 minute load averages. */
    private static String loadAverage() throws IOException {
        Path proc = Path.of("/proc/loadavg");
        if (Files.isReadable(proc)) {
            String[] fields = Files.readString(proc).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        }
        return String.format(
                Locale.ROOT,
                "%.2f",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
    }
}
