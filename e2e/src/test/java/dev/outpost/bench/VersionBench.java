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
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * The version check under load: {@code GET /api/sync/version} with the bearer token and the current
 * ETag in {@code If-None-Match} (answered {@code 304}), driven by wrk for {@code -Dbench.seconds}
 * (default 15) after a warm-up of {@code -Dbench.warmup} seconds (default 20), then the same request
 * without {@code If-None-Match} ({@code 200} with the body) for comparison. Sets up everything itself:
 * embedded PostgreSQL, the example changelogs (applied by the server at start-up), the WAR on Payara
 * Micro; fetches wrk if it is missing ({@link Wrk}). Run with {@code mvn -f parent/pom.xml -Pbench
 * package -Dbench=version}.
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
        Path work = Files.createTempDirectory(runDir, "bench-version-");
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, load average %s, java %s%n",
                Runtime.getRuntime().availableProcessors(),
                loadAverage(),
                Runtime.version());
        Wrk wrk = Wrk.locate(runDir, work);
        System.out.println("load generator: " + wrk.describe() + ", " + threads + " threads, " + connections
                + " connections, on the same machine");
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            Path properties = work.resolve("server.properties");
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost") + "outpost.sync-tokens="
                            + TOKEN + "\noutpost.capture.enabled=false\n");
            try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "version-bench")) {
                URI version = server.baseUri().resolve("api/sync/version");
                String etag = etag(version);
                System.out.println("server: Payara Micro, " + version + ", ETag " + etag);
                Map<String, String> revalidate = Map.of("Authorization", "Bearer " + TOKEN, "If-None-Match", etag);
                Map<String, String> plain = Map.of("Authorization", "Bearer " + TOKEN);

                ProcessHandle payara = serverProcess(properties);
                wrk.run("warmup", version.toString(), revalidate, threads, connections, warmup);
                Duration cpu = cpu(payara);
                Wrk.Result notModified = wrk.run("304", version.toString(), revalidate, threads, connections, seconds);
                print("version 304 (If-None-Match)", notModified, cpu(payara).minus(cpu));
                wrk.run("warmup-200", version.toString(), plain, threads, connections, Math.max(1, warmup / 2));
                cpu = cpu(payara);
                Wrk.Result ok = wrk.run("200", version.toString(), plain, threads, connections, seconds);
                print("version 200 (no validator)", ok, cpu(payara).minus(cpu));
                System.out.printf(
                        Locale.ROOT,
                        "ratio: 304 / 200 = %.2fx; 304 requests/s %,.0f (target >= %,.0f: %s)%n",
                        notModified.perSecond() / ok.perSecond(),
                        notModified.perSecond(),
                        TARGET,
                        notModified.perSecond() >= TARGET && notModified.share304() > 99.9 ? "met" : "NOT met");
                System.out.println("wrk output: " + work);
            }
        } finally {
            TestPostgres.stop(postgres);
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
     * One figure. The server's CPU time per request does not depend on how busy the machine is the way
     * requests/s does; the capacity it implies (all cores for the server, none for wrk) is an estimate.
     */
    private static void print(String name, Wrk.Result r, Duration serverCpu) throws IOException {
        double cpuMicros = serverCpu.toNanos() / 1e3 / Math.max(1, r.requests());
        System.out.printf(
                Locale.ROOT,
                "figure: %-28s %,9.0f requests/s (%,d in %.1f s), 304 %.1f %%, 200 %,d, other %,d, socket errors %,d,"
                        + " latency p50 %.2f ms, p99 %.2f ms, max %.1f ms; load average %s%n",
                name,
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
        if (cpuMicros > 0) {
            System.out.printf(
                    Locale.ROOT,
                    "figure: %-28s server CPU %.0f us per request (%.1f s); estimate with %d cores for the server"
                            + " alone: %,.0f requests/s%n",
                    name,
                    cpuMicros,
                    serverCpu.toMillis() / 1e3,
                    Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().availableProcessors() * 1e6 / cpuMicros);
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
