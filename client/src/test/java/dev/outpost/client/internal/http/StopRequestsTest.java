package dev.outpost.client.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.protocol.RowLines;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SyncHttpClient#stopRequests()} against a real HTTP server on a free port that holds its
 * answers back (as a long poll) or stops sending in the middle of one: the call or read in progress
 * fails at once with {@link ErrorCode#STOPPED} or {@link RequestStopped}, not after the server's wait
 * or the stall timeout, and new requests are refused until {@link SyncHttpClient#resumeRequests()}.
 */
class StopRequestsTest {
    /** Far longer than any bound asserted here: only a stop can end the waits in time. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final CountDownLatch testOver = new CountDownLatch(1);
    private final CountDownLatch requested = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stop() {
        testOver.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aLongPollTheServerHoldsEndsAtOnceWhenStopped() throws Exception {
        try (SyncHttpClient client = clientOf(false)) {
            CompletableFuture<RowLines.End> poll =
                    CompletableFuture.supplyAsync(() -> client.changes(0, 10, 20, null, lines -> null));
            assertTrue(requested.await(10, TimeUnit.SECONDS), "the server holds the long poll");

            long start = System.nanoTime();
            client.stopRequests();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> poll.get(10, TimeUnit.SECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            OutpostException e = (OutpostException) failed.getCause();
            assertEquals(ErrorCode.STOPPED, e.code(), e.getMessage());
            assertTrue(millis < 1_000, "ended " + millis + " ms after the stop");
        }
    }

    @Test
    void anAnswerBeingReadEndsAtOnceWhenStopped() throws Exception {
        try (SyncHttpClient client = clientOf(true)) {
            ReplicaSource.PageStream page = client.openPage("t", null, 10);
            assertEquals(row().strip(), page.lines().readLine());
            CompletableFuture<String> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return page.lines().readLine(); // the server sends nothing more
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            long start = System.nanoTime();
            client.stopRequests();
            ExecutionException failed = assertThrows(ExecutionException.class, () -> next.get(10, TimeUnit.SECONDS));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertTrue(RequestStopped.causedBy(failed), String.valueOf(failed.getCause()));
            assertTrue(millis < 1_000, "ended " + millis + " ms after the stop");
            page.close();
        }
    }

    @Test
    void requestsAreRefusedAfterAStopUntilResumed() throws Exception {
        try (SyncHttpClient client = clientOf(true)) {
            client.stopRequests();
            OutpostException refused = assertThrows(OutpostException.class, () -> client.openPage("t", null, 10));
            assertEquals(ErrorCode.STOPPED, refused.code(), refused.getMessage());
            assertEquals(1, requested.getCount(), "nothing reached the server");

            client.resumeRequests();
            try (ReplicaSource.PageStream page = client.openPage("t", null, 10)) {
                assertEquals(row().strip(), page.lines().readLine());
            }
        }
    }

    /**
     * A server that holds every request until the test is over; {@code startBody}: after sending the
     * headers of a 200 and one row, else before answering at all.
     */
    private SyncHttpClient clientOf(boolean startBody) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try {
                if (startBody) {
                    exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
                    exchange.sendResponseHeaders(200, 0); // chunked
                    OutputStream out = exchange.getResponseBody();
                    out.write(row().getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                requested.countDown();
                testOver.await();
            } catch (InterruptedException | IOException e) {
                // the client went away
            } finally {
                exchange.close();
            }
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/outpost/");
        return new SyncHttpClient(base, "token", Duration.ofSeconds(5), TIMEOUT);
    }

    private static String row() {
        return RowLines.rowLine(new String[] {"1", "name"});
    }
}
