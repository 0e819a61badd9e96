package dev.outpost.client.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outpost.protocol.RowLines;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link StallWatch} through {@link SyncHttpClient}, against a real HTTP server on a free port: an
 * answer that stops sending in the middle of its body fails the read after the request timeout,
 * naming the stall; an answer that is slow but keeps sending is read to its end.
 */
class StallWatchTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final CountDownLatch testOver = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        testOver.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void anAnswerThatStopsSendingMidBodyFailsAfterTheTimeout() throws Exception {
        try (SyncHttpClient client = clientOf(exchange -> {
            send(exchange, row(1) + row(2));
            testOver.await(); // the connection stays open, silent
        })) {
            ReplicaSource.PageStream page = client.openPage("t", null, 10);
            assertEquals(row(1).strip(), page.lines().readLine());
            assertEquals(row(2).strip(), page.lines().readLine());
            long start = System.nanoTime();
            IOException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(20), () -> assertThrows(IOException.class, page.lines()::readLine));
            long waited = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("stalled"), e.getMessage());
            assertTrue(waited >= TIMEOUT.toMillis(), "failed after " + waited + " ms, before the timeout");
            page.close();
        }
    }

    @Test
    void anAnswerThatIsSlowButKeepsSendingIsReadToItsEnd() throws Exception {
        int rows = 6;
        try (SyncHttpClient client = clientOf(exchange -> {
            for (int i = 1; i <= rows; i++) {
                send(exchange, row(i));
                Thread.sleep(TIMEOUT.toMillis() / 2); // 3 s in all, each pause well under the timeout
            }
            send(exchange, end(rows));
        })) {
            try (ReplicaSource.PageStream page = client.openPage("t", null, 10)) {
                int read = 0;
                String line;
                while ((line = page.lines().readLine()) != null) {
                    if (RowLines.parse(line) instanceof RowLines.End end) {
                        assertEquals(rows, end.rows());
                        break;
                    }
                    read++;
                }
                assertEquals(rows, read);
            }
        }
    }

    /** What the test server does with a request, after sending the headers of a 200. */
    @FunctionalInterface
    private interface Answer {
        void write(HttpExchange exchange) throws Exception;
    }

    private SyncHttpClient clientOf(Answer answer) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try {
                exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
                exchange.sendResponseHeaders(200, 0); // chunked
                answer.write(exchange);
            } catch (Exception e) {
                // the client went away
            } finally {
                exchange.close();
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/outpost/");
        return new SyncHttpClient(base, "token", Duration.ofSeconds(5), TIMEOUT);
    }

    private static void send(HttpExchange exchange, String text) throws IOException {
        OutputStream out = exchange.getResponseBody();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String row(int i) {
        return RowLines.rowLine(new String[] {Integer.toString(i), "name " + i});
    }

    private static String end(int rows) throws IOException {
        StringBuilder out = new StringBuilder();
        RowLines.appendEnd(out, rows, null);
        return out.toString();
    }
}
