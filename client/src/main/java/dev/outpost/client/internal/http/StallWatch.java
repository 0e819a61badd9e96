package dev.outpost.client.internal.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends answers whose bytes stop arriving. The JDK's HTTP client has no timeout once an answer's
 * headers have arrived, so a server or network that goes silent in the middle of a body (a
 * connection dropped without a reset: a NAT that forgot it, a Wi-Fi gone, a server frozen) would
 * leave a sync, or the reading thread of a load, waiting for ever. A read of a {@linkplain #watch
 * watched} body that has waited longer than the stall timeout for its next bytes has the body
 * closed under it and fails with an {@link IOException} that says so, which the callers treat as
 * any lost connection: the page or answer is rolled back and the replica stays as it was.
 *
 * <p>{@link #stopAll()} ends every open body at once the same way, its reads failing with {@link
 * RequestStopped}: a stop does not wait for the server.
 *
 * <p>Only the time spent inside a read counts: a caller that reads slowly (Derby storing the rows
 * before) is never cut off. One daemon thread per watch looks at the open bodies a few times per
 * timeout.
 */
final class StallWatch implements AutoCloseable {
    private final Duration timeout;
    private final long timeoutNanos;
    private final Set<Watched> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    StallWatch(Duration timeout) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "outpost-stall-watch");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(10, timeout.toMillis() / 4);
        timer.scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.MILLISECONDS);
    }

    /** {@code body}, closed under its reader when one read waits longer than the timeout. */
    InputStream watch(InputStream body) {
        Watched watched = new Watched(body);
        open.add(watched);
        return watched;
    }

    /** Ends every body open now: a read waiting for bytes fails at once, as does every later read. */
    void stopAll() {
        for (Watched watched : open) {
            watched.end(true);
        }
    }

    /** Stops watching; bodies still open are no longer cut off. */
    @Override
    public void close() {
        timer.shutdownNow();
        open.clear();
    }

    private void closeStalled() {
        long now = System.nanoTime();
        for (Watched watched : open) {
            watched.closeIfStalled(now);
        }
    }

    private final class Watched extends FilterInputStream {
        /** When the read in progress started ({@code System.nanoTime()}), or 0 between reads. */
        private volatile long readingSince;

        private volatile boolean stalled;

        private volatile boolean stopped;

        Watched(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            begin();
            try {
                return super.read();
            } catch (IOException e) {
                throw explained(e);
            } finally {
                readingSince = 0;
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            begin();
            try {
                return super.read(buffer, offset, length);
            } catch (IOException e) {
                throw explained(e);
            } finally {
                readingSince = 0;
            }
        }

        @Override
        public void close() throws IOException {
            open.remove(this);
            super.close();
        }

        private void begin() throws IOException {
            if (stopped) {
                throw new RequestStopped();
            }
            if (stalled) {
                throw stalledError(null);
            }
            readingSince = System.nanoTime() | 1; // never 0 while reading
        }

        private void closeIfStalled(long now) {
            long since = readingSince;
            if (since != 0 && now - since > timeoutNanos) {
                end(false);
            }
        }

        /** Closes the body under its reader, as stalled or as {@code stop}ped. */
        private void end(boolean stop) {
            if (stop) {
                stopped = true;
            } else {
                stalled = true;
            }
            open.remove(this);
            try {
                in.close(); // wakes the read waiting for bytes, which then fails
            } catch (IOException ignored) {
                // the read fails either way
            }
        }

        private IOException explained(IOException e) {
            if (stopped) {
                IOException stop = new RequestStopped();
                stop.initCause(e);
                return stop;
            }
            return stalled ? stalledError(e) : e;
        }

        private IOException stalledError(IOException cause) {
            return new IOException(
                    "no data arrived for " + timeout.toMillis() + " ms in the middle of the answer (stalled)", cause);
        }
    }
}
