package dev.outpost.server.operations;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A read that is run at most once at a time and at most once per {@code reuseNanos}, and waited for
 * with a deadline: callers arriving while one runs share it, callers arriving soon after share its
 * result. A read that hangs (PostgreSQL unreachable, the pool waiting for a connection) therefore holds
 * one thread, not one per probe, and each caller gets an answer within its deadline.
 */
final class BoundedRead<T> {
    private static final Logger LOG = Logger.getLogger(BoundedRead.class.getName());

    private final long reuseNanos;
    private CompletableFuture<T> latest;
    private long startedAt;

    BoundedRead(long reuseMillis) {
        this.reuseNanos = TimeUnit.MILLISECONDS.toNanos(reuseMillis);
    }

    /**
     * The result of the running read, of one finished less than the reuse time ago, or of a new one
     * started on {@code executor}; empty when it failed or did not finish within {@code timeoutMillis}.
     */
    Optional<T> get(Executor executor, Callable<T> read, long timeoutMillis) {
        try {
            return Optional.ofNullable(current(executor, read).get(timeoutMillis, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            LOG.fine("a bounded read did not finish within " + timeoutMillis + " ms");
            return Optional.empty();
        } catch (ExecutionException e) {
            LOG.log(Level.FINE, "a bounded read failed", e.getCause());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private synchronized CompletableFuture<T> current(Executor executor, Callable<T> read) {
        long now = System.nanoTime();
        if (latest != null && (!latest.isDone() || now - startedAt < reuseNanos)) {
            return latest;
        }
        startedAt = now;
        latest = CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return read.call();
                    } catch (Exception e) {
                        throw new CompletionException(e);
                    }
                },
                executor);
        return latest;
    }
}
