package dev.outpost.server.capture;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between failed capture attempts: from {@code first}, doubling up to {@code max}, each drawn at
 * random from its upper half (so that instances failing together do not retry in step). {@link
 * #reset()} after a success starts again from {@code first}.
 */
final class Backoff {
    /** The capture loop's: 1 s, doubling to a minute. */
    static final Backoff DEFAULT = new Backoff(1_000, 60_000);

    private final long first;
    private final long max;
    private long current;

    /**
     * @param first milliseconds before the first retry (upper bound)
     * @param max the longest delay in milliseconds (upper bound)
     */
    Backoff(long first, long max) {
        if (first <= 0 || max < first) {
            throw new IllegalArgumentException("backoff from " + first + " ms to " + max + " ms");
        }
        this.first = first;
        this.max = max;
        this.current = first;
    }

    /** A fresh backoff with the same bounds (each capture loop keeps its own). */
    Backoff copy() {
        return new Backoff(first, max);
    }

    /** The delay before the next attempt, in milliseconds; the one after is up to twice as long. */
    synchronized long next() {
        long bound = current;
        current = Math.min(max, current * 2);
        return bound - ThreadLocalRandom.current().nextLong(bound / 2 + 1);
    }

    /** Starts again from the first delay. */
    synchronized void reset() {
        current = first;
    }
}
