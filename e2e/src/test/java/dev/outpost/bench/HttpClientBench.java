package dev.outpost.bench;

import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.testsupport.TestPostgres;
import io.airlift.compress.zstd.ZstdInputStream;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.zip.GZIPInputStream;

/**
 * The client library's HTTP stack ({@code java.net.http.HttpClient}, sending as {@code SyncHttpClient}
 * sends) next to the JAX-RS Client API through Jersey (its default connector, {@code
 * HttpURLConnection}, with JSON-B), against one Payara Micro server in the same run, to decide
 * whether the client should speak JAX-RS. Throughput: every page of the generated table (default
 * {@code -Dbench.rows=1000000}, pages of {@code -Dbench.pageRows=50000}), each body read as a stream
 * to its end, uncompressed (what the client asks of a server on this machine) and with {@code
 * Accept-Encoding: zstd, gzip} (what it asks of any other server), decoded the same way by both.
 * Latency: the version check, {@code -Dbench.requests=2000} sequential requests per client after a
 * warm-up, read with JSON-B. A third client, {@code java.net.http} pinned to HTTP/1.1, separates the
 * cost of the protocol from that of the library. The clients take turns, each round starting with the
 * next one ({@code -Dbench.rounds=3} downloads per client and encoding after a warm-up round). Run
 * with {@code mvn -f parent/pom.xml -Pbench package -Dbench=http}.
 */
public final class HttpClientBench {
    static final String TOKEN = "bench";
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final String JDK = "java.net.http";
    private static final String JDK_HTTP_1 = "java.net.http, HTTP/1.1";
    static final String JERSEY = "Jersey (JAX-RS)";

    private HttpClientBench() {}

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        int pageRows = Integer.getInteger("bench.pageRows", SyncPaths.DEFAULT_PAGE_ROWS);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int requests = Integer.getInteger("bench.requests", 2_000);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "bench-http-");
        Machine.printFirstLine();
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            SyncBench.BenchTable.create("jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost", rows);
            try (PayaraMicroServer server =
                            SyncBench.startServer(postgres, runDir, work, work.resolve("server-gc.log"), "outpost");
                    HttpTransport jdk = new JdkTransport(JDK, HttpClient.Version.HTTP_2);
                    HttpTransport jersey = new JerseyTransport();
                    HttpTransport jdkHttp1 = new JdkTransport(JDK_HTTP_1, HttpClient.Version.HTTP_1_1)) {
                URI api = server.baseUri().resolve(SyncPaths.API_ROOT + "/");
                System.out.printf(
                        Locale.ROOT, "server: Payara Micro, %s; %,d rows in pages of %,d%n", api, rows, pageRows);
                List<HttpTransport> all = List.of(jdk, jersey, jdkHttp1);
                throughput(api, all, rows, pageRows, rounds, server);
                latency(api, all, requests);
            }
        } finally {
            TestPostgres.stop(postgres);
        }
        System.out.printf(Locale.ROOT, "load average at the end: %.2f%n", Machine.load());
    }

    /** Downloads every page with each client in alternating rounds, uncompressed then compressed. */
    private static void throughput(
            URI api, List<HttpTransport> clients, int rows, int pageRows, int rounds, PayaraMicroServer server)
            throws Exception {
        Map<String, Download> best = new LinkedHashMap<>();
        for (int round = 0; round <= rounds; round++) {
            System.out.printf(
                    Locale.ROOT,
                    "%s, load average %.2f%n",
                    round == 0 ? "warm-up round" : "round " + round + " of " + rounds,
                    Machine.load());
            for (boolean compress : new boolean[] {false, true}) {
                List<HttpTransport> order = new ArrayList<>(clients);
                Collections.rotate(order, round);
                for (HttpTransport client : order) {
                    String figure = client.name() + (compress ? ", zstd/gzip" : ", uncompressed");
                    double loadBefore = Machine.load();
                    long cpu = processCpu();
                    Duration serverCpu = server.cpuTime();
                    long start = System.nanoTime();
                    Download d = download(client, api, pageRows, compress);
                    if (d.rows() != rows) {
                        throw new IllegalStateException(client.name() + " read " + d.rows() + " rows, not " + rows);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    d = d.timed(
                            seconds,
                            (processCpu() - cpu) / 1e9,
                            server.cpuTime().minus(serverCpu).toNanos() / 1e9);
                    System.out.printf(
                            Locale.ROOT,
                            "%s %-32s %,d rows (%,d lines, %d pages, %s) in %.2f s = %,.0f rows/s, %.1f MB/s"
                                    + " decoded (%.1f MB on the wire, %.1f MB/s); CPU: this JVM %.2f s, server %.2f s;"
                                    + " load average %.2f -> %.2f%n",
                            round == 0 ? "warm-up:" : "figure:",
                            figure,
                            d.rows(),
                            d.lines(),
                            d.pages(),
                            d.encoding(),
                            seconds,
                            d.rows() / seconds,
                            d.bytes() / 1e6 / seconds,
                            d.wireBytes() / 1e6,
                            d.wireBytes() / 1e6 / seconds,
                            d.clientCpu(),
                            d.serverCpu(),
                            loadBefore,
                            Machine.load());
                    if (round > 0) {
                        best.merge(figure, d, (a, b) -> a.seconds() <= b.seconds() ? a : b);
                    }
                }
            }
        }
        for (String encoding : new String[] {", uncompressed", ", zstd/gzip"}) {
            Download base = best.get(JDK + encoding);
            for (HttpTransport client : clients) {
                Download d = best.get(client.name() + encoding);
                System.out.printf(
                        Locale.ROOT,
                        "throughput%s, best of %d: %-24s %,9.0f rows/s, %5.1f MB/s decoded, this JVM's CPU %.2f s:"
                                + " %.2fx java.net.http%n",
                        encoding,
                        rounds,
                        client.name(),
                        d.rows() / d.seconds(),
                        d.bytes() / 1e6 / d.seconds(),
                        d.clientCpu(),
                        base.seconds() / d.seconds());
            }
        }
    }

    /** One download of every page of the table, read to the end of each body. */
    private static Download download(HttpTransport client, URI api, int pageRows, boolean compress) throws IOException {
        String table = URLEncoder.encode("bench_rows", StandardCharsets.UTF_8);
        byte[] buffer = new byte[1 << 16];
        long bytes = 0;
        long lines = 0;
        long[] wire = new long[1];
        int pages = 0;
        String encoding = "";
        String after = null;
        do {
            StringBuilder path = new StringBuilder(SyncPaths.tableRows(table))
                    .append('?')
                    .append(SyncPaths.LIMIT_PARAM)
                    .append('=')
                    .append(pageRows);
            if (after != null) {
                path.append('&')
                        .append(SyncPaths.AFTER_PARAM)
                        .append('=')
                        .append(URLEncoder.encode(after, StandardCharsets.UTF_8));
            }
            HttpAnswer answer = client.get(api.resolve(path.toString()), MediaTypes.NDJSON, compress);
            encoding = answer.protocol() + " " + (answer.encoding().isEmpty() ? "identity" : answer.encoding());
            after = answer.header(SyncPaths.NEXT_PAGE_HEADER);
            try (InputStream body = decoded(answer.encoding(), new Counting(answer.body(), wire))) {
                if (answer.status() != 200) {
                    throw new IllegalStateException(client.name() + ": HTTP " + answer.status() + " "
                            + new String(body.readAllBytes(), StandardCharsets.UTF_8));
                }
                for (int n; (n = body.read(buffer)) >= 0; ) {
                    bytes += n;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] == '\n') {
                            lines++;
                        }
                    }
                }
            } finally {
                answer.close();
            }
            pages++;
        } while (after != null);
        // each page is its rows and an end marker
        return new Download(lines - pages, lines, pages, bytes, wire[0], encoding, 0, 0, 0);
    }

    /** The version check's round trip, sequential requests, in alternating rounds after a warm-up. */
    private static void latency(URI api, List<HttpTransport> clients, int requests) throws Exception {
        URI version = api.resolve(SyncPaths.SYNC + "/" + SyncPaths.VERSION);
        int warmup = Math.max(500, requests / 2);
        int rounds = 4;
        int perRound = Math.max(1, requests / rounds);
        Map<String, long[]> nanos = new LinkedHashMap<>();
        Map<String, double[]> loads = new LinkedHashMap<>();
        for (HttpTransport client : clients) {
            nanos.put(client.name(), new long[perRound * rounds]);
            loads.put(client.name(), new double[] {Double.MAX_VALUE, 0});
        }
        System.out.printf(
                Locale.ROOT,
                "version check: %,d requests per client to warm up, then %d rounds of %,d, load average %.2f%n",
                warmup,
                rounds,
                perRound,
                Machine.load());
        for (HttpTransport client : clients) {
            for (int i = 0; i < warmup; i++) {
                client.version(version);
            }
        }
        for (int round = 0; round < rounds; round++) {
            List<HttpTransport> order = new ArrayList<>(clients);
            Collections.rotate(order, round);
            for (HttpTransport client : order) {
                long[] times = nanos.get(client.name());
                double[] load = loads.get(client.name());
                load[0] = Math.min(load[0], Machine.load());
                for (int i = 0; i < perRound; i++) {
                    long start = System.nanoTime();
                    VersionInfo info = client.version(version);
                    times[round * perRound + i] = System.nanoTime() - start;
                    if (info.schemaFingerprint() == null) {
                        throw new IllegalStateException(client.name() + ": a version without a fingerprint");
                    }
                }
                load[1] = Math.max(load[1], Machine.load());
            }
        }
        double baseP50 = 0;
        for (HttpTransport client : clients) {
            long[] times = nanos.get(client.name()).clone();
            Arrays.sort(times);
            double[] load = loads.get(client.name());
            double p50 = times[times.length / 2] / 1e6;
            baseP50 = baseP50 == 0 ? p50 : baseP50;
            System.out.printf(
                    Locale.ROOT,
                    "figure: version check %-24s %,d requests: p50 %.3f ms (%.2fx java.net.http), p99 %.3f ms,"
                            + " mean %.3f ms, max %.1f ms; load average %.2f-%.2f%n",
                    client.name(),
                    times.length,
                    p50,
                    p50 / baseP50,
                    times[(int) Math.ceil(times.length * 0.99) - 1] / 1e6,
                    Arrays.stream(times).average().orElse(0) / 1e6,
                    times[times.length - 1] / 1e6,
                    load[0],
                    load[1]);
        }
    }

    /** The body as sent before its content coding, decoded as the client library decodes it. */
    private static InputStream decoded(String contentEncoding, InputStream body) throws IOException {
        return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "zstd" -> new ZstdInputStream(body);
            case "gzip", "x-gzip" -> new GZIPInputStream(body, 1 << 16);
            default -> body;
        };
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The client library's version, from the resource it reads it from, for its request header. */
    static String clientVersion() {
        try (InputStream in = HttpClientBench.class.getResourceAsStream(
                "/dev/outpost/client/internal/http/client-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** One download: counts, then its time and the CPU it took on both sides. */
    record Download(
            long rows,
            long lines,
            int pages,
            long bytes,
            long wireBytes,
            String encoding,
            double seconds,
            double clientCpu,
            double serverCpu) {
        Download timed(double s, double client, double server) {
            return new Download(rows, lines, pages, bytes, wireBytes, encoding, s, client, server);
        }
    }

    /** Counts the bytes read from the wire, before any decoding. */
    private static final class Counting extends FilterInputStream {
        private final long[] count;

        Counting(InputStream in, long[] count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count[0]++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count[0] += n;
            }
            return n;
        }
    }
}
