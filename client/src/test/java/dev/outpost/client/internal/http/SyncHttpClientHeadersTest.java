package dev.outpost.client.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.SyncReport;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SyncHttpClient} against a real HTTP server on a free port: every request names the replica
 * and the client's version, and a sync report is a POST of its JSON that never throws, whatever the
 * server answers.
 */
class SyncHttpClientHeadersTest {
    private static final UUID REPLICA = UUID.fromString("6f1c2a3b-0d4e-4f5a-8b9c-0123456789ab");

    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;

    /** What the test server saw of one request. */
    private record Request(String method, String path, String query, String replica, String client, String body) {}

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void everyRequestNamesTheReplicaAndTheClientVersion() throws Exception {
        try (SyncHttpClient client = clientOf(200)) {
            client.version();
            client.schema();
            try (var page = client.openPage("users", null, 10)) {
                page.lines().readLine();
            }
            client.digest("users");
            assertEquals(5, client.feedPosition());
            client.report(report());
        }
        assertEquals(6, requests.size(), requests.toString());
        for (Request request : requests) {
            assertEquals(REPLICA.toString(), request.replica(), request.path());
            assertEquals(ClientVersion.VALUE, request.client(), request.path());
        }
        assertNotEquals(ClientVersion.UNKNOWN, ClientVersion.VALUE, "the build wrote the version");
    }

    @Test
    void pagesAfterAFeedPositionNameItAndPagesWithoutOneDoNot() throws Exception {
        try (SyncHttpClient client = clientOf(200)) {
            client.openPage("users", null, 10).close();
            assertEquals(5, client.feedPosition());
            client.openPage("users", "abc", 10).close();
        }
        assertEquals("limit=10", requests.get(0).query(), "no position before the client asked for one");
        assertEquals(
                "limit=10&" + SyncPaths.AFTER_PARAM + "=abc&" + SyncPaths.POSITION_PARAM + "=5",
                requests.get(2).query(),
                "the page covers the position the download continues from");
    }

    @Test
    void changesAskedForAheadAreTakenByTheSameRequestOnly() throws Exception {
        try (SyncHttpClient client = clientOf(200)) {
            client.expectChanges(7, 100, "fp");
            RowLines.End end = client.changes(7, 100, 0, "fp", SyncHttpClientHeadersTest::endOf);
            assertEquals("5", end.next());
            assertEquals(1, requests.size(), "the answer asked for ahead was taken: " + requests);

            client.expectChanges(8, 100, "fp");
            client.changes(8, 100, 0, "other", SyncHttpClientHeadersTest::endOf);
            awaitRequests(3); // the one asked for ahead reaches the server too, but is not read
            assertEquals(
                    List.of(
                            "limit=100&" + SyncPaths.AFTER_PARAM + "=7&" + SyncPaths.SCHEMA_PARAM + "=fp",
                            "limit=100&" + SyncPaths.AFTER_PARAM + "=8&" + SyncPaths.SCHEMA_PARAM + "=fp",
                            "limit=100&" + SyncPaths.AFTER_PARAM + "=8&" + SyncPaths.SCHEMA_PARAM + "=other"),
                    requests.stream().map(Request::query).sorted().toList(),
                    "a request for other changes is sent, not answered with the one asked for ahead");
            client.changes(8, 100, 0, "fp", SyncHttpClientHeadersTest::endOf);
            assertEquals(4, requests.size(), "the answer asked for ahead was dropped, not kept for later");
        }
    }

    private static RowLines.End endOf(java.io.BufferedReader lines) {
        try {
            return (RowLines.End) RowLines.parse(lines.readLine());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (requests.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void aReportIsAPostOfItsJsonToSyncReports() throws Exception {
        try (SyncHttpClient client = clientOf(204)) {
            client.report(report());
        }
        Request request = requests.get(0);
        assertEquals("POST", request.method());
        assertEquals("/outpost/api/" + SyncPaths.SYNC + "/" + SyncPaths.REPORTS, request.path());
        assertTrue(request.body().contains("\"outcome\":\"CREATED\""), request.body());
        assertTrue(request.body().contains("\"tablesRebuilt\":[\"users\"]"), request.body());
    }

    @Test
    void aReportTheServerDoesNotTakeIsDroppedQuietly() throws Exception {
        try (SyncHttpClient client = clientOf(404)) {
            client.report(report()); // an older server without the endpoint
            client.report(report());
        }
        assertEquals(2, requests.size());
        int closedPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = free.getLocalPort();
        }
        URI nobody = URI.create("http://127.0.0.1:" + closedPort + "/outpost/");
        try (SyncHttpClient client = new SyncHttpClient(
                nobody,
                "token",
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                REPLICA,
                ReplicaConfig.Compression.AUTO)) {
            long start = System.nanoTime();
            client.report(report()); // nothing listens there
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis <= SyncHttpClient.REPORT_TIMEOUT.toMillis() + 1_000, "gave up after " + millis + " ms");
        }
    }

    private static SyncReport report() {
        return new SyncReport(
                "CREATED", "v1", "fp", List.of("users"), List.of(), 3, 120, 45, null, null, null, 0, List.of());
    }

    /** A server answering every request with {@code status}: a page end marker or a small JSON body. */
    private SyncHttpClient clientOf(int status) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestURI().getQuery(),
                        exchange.getRequestHeaders().getFirst(SyncPaths.REPLICA_HEADER),
                        exchange.getRequestHeaders().getFirst(SyncPaths.CLIENT_HEADER),
                        body));
                answer(exchange, status);
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/outpost/");
        return new SyncHttpClient(
                base, "token", Duration.ofSeconds(5), Duration.ofSeconds(5), REPLICA, ReplicaConfig.Compression.AUTO);
    }

    private static void answer(HttpExchange exchange, int status) throws IOException {
        if (status != 200) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String body;
        if (path.endsWith("/rows") || path.endsWith("/" + SyncPaths.CHANGES)) {
            StringBuilder end = new StringBuilder();
            RowLines.appendEnd(end, 0, path.endsWith("/rows") ? null : "5");
            body = end.toString();
        } else if (path.endsWith("/digest")) {
            body = "{\"table\":\"users\",\"rows\":0,\"digest\":\"00\"}";
        } else if (path.endsWith("/schema")) {
            body = "{\"fingerprint\":\"fp\",\"tables\":[]}";
        } else {
            body = "{\"tag\":\"v1\",\"schemaFingerprint\":\"fp\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
