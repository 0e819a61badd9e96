package dev.outpost.server.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The log file of the server under test (system property {@code outpost.serverLog}: Payara Micro's
 * {@code --logtofile}, WildFly's {@code server.log}), for asserting that a request logged no error.
 */
public final class ServerLog {
    /**
     * An error line in either server's format: Payara's {@code [levelValue: 1000]} (SEVERE, and ERROR
     * from JBoss Logging) or above, WildFly's {@code ERROR [category]} or {@code FATAL [category]}.
     */
    private static final Pattern ERROR_LINE =
            Pattern.compile("\\[levelValue: \\d{4,}]|^(\\S+ )?\\S+ +(ERROR|FATAL) +\\[");

    /** How long the log must stay unchanged before it is read: Payara writes it from a queue. */
    private static final long QUIET_MS = 500;

    private static final long MAX_WAIT_MS = 10_000;

    private final Path file;

    private ServerLog(Path file) {
        this.file = file;
    }

    public static ServerLog of() {
        return new ServerLog(Path.of(System.getProperty("outpost.serverLog")));
    }

    /** The current end of the log. */
    public long mark() {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails with the lines if anything written after {@code mark} is an error line. */
    public void assertNoErrorsSince(long mark) throws InterruptedException {
        byte[] log = readQuietLog();
        int from = (int) Math.min(mark, log.length);
        String since = new String(log, from, log.length - from, StandardCharsets.UTF_8);
        List<String> errors =
                since.lines().filter(l -> ERROR_LINE.matcher(l).find()).toList();
        assertEquals(List.of(), errors, "error lines in " + file + " after the requests:\n" + since);
    }

    /**
     * Waits until a line written after {@code mark} contains {@code text}, and returns it.
     *
     * @throws AssertionError when no such line appears within {@code timeoutMs}
     */
    public String awaitLineSince(long mark, String text, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            String since = since(mark);
            java.util.Optional<String> line =
                    since.lines().filter(l -> l.contains(text)).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "no line with '" + text + "' in " + file + " after " + timeoutMs + " ms:\n" + since);
            }
            Thread.sleep(100);
        }
    }

    /** The lines written after {@code mark}. */
    public List<String> linesSince(long mark) {
        return since(mark).lines().toList();
    }

    private String since(long mark) {
        try {
            byte[] log = Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
            int from = (int) Math.min(mark, log.length);
            return new String(log, from, log.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The log's bytes once its size has not changed for {@link #QUIET_MS}. */
    private byte[] readQuietLog() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
        long size = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = mark();
            if (now != size) {
                size = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince >= TimeUnit.MILLISECONDS.toNanos(QUIET_MS)) {
                break;
            }
            Thread.sleep(50);
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
