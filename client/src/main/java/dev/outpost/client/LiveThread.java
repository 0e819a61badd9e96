package dev.outpost.client;

import dev.outpost.client.internal.http.ReplicaSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread of live mode and how it is stopped: a latch it watches (its pause between retries ends
 * at once), the source's requests stopped so that a long poll or a download ends without waiting for
 * the server, then a grace period for the sync in progress to end by itself (an apply rolls back to
 * its last commit or commits) before it is interrupted: a local step, such as copying a kept table
 * into a new database, reads nothing from the server. Derby rolls back the transaction of an
 * interrupted connection, so even then nothing half-done is kept.
 */
final class LiveThread {
    private static final Logger LOG = LoggerFactory.getLogger(LiveThread.class);

    /** How long a stop waits for the sync in progress to end by itself before interrupting it. */
    private static final long STOP_GRACE_MILLIS = 500;

    /** Longest wait for a sync interrupted by a stop to end before the stop warns and returns. */
    private static final long STOP_INTERRUPTED_MILLIS = 5_000;

    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);

    /** Starts {@code body} on a daemon thread; it runs until the latch it is given is counted down. */
    LiveThread(String name, Consumer<CountDownLatch> body) {
        thread = new Thread(() -> body.accept(stop), name);
        thread.setDaemon(true);
        thread.start();
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /** Stops the thread (see the class comment) and returns once it has ended; {@code source} takes requests again. */
    void stop(ReplicaSource source) {
        long start = System.nanoTime();
        stop.countDown();
        source.stopRequests();
        try {
            awaitEnd();
        } finally {
            source.resumeRequests();
        }
        LOG.info("Live sync stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private void awaitEnd() {
        boolean interrupted = false;
        try {
            thread.join(STOP_GRACE_MILLIS);
            if (thread.isAlive()) {
                LOG.info("Live sync is still busy {} ms after the stop: interrupting it", STOP_GRACE_MILLIS);
                thread.interrupt();
                thread.join(STOP_INTERRUPTED_MILLIS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (thread.isAlive()) {
            LOG.warn("Live sync did not end within {} ms of the stop", STOP_GRACE_MILLIS + STOP_INTERRUPTED_MILLIS);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the latch, at most {@code millis}; whether it was counted down (or the wait interrupted). */
    static boolean stopped(CountDownLatch stop, long millis) {
        try {
            return stop.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            return true;
        }
    }
}
