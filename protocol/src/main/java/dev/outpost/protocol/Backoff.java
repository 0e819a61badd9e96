package dev.outpost.protocol;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between failed attempts, as both sides retry: from {@code first}, doubling up to {@code max},
 * each drawn at random from its upper half, so that parties failing together (server instances that
 * lost their database, a site's devices whose uplink comes back) do not retry in step. {@link
 * #reset()} after a success starts again from {@code first}.
 */
public final class Backoff {
    private final long first;
    private final long max;
    private long current;

    /**
     * @param first milliseconds before the first retry (upper bound)
     * @param max the longest delay in milliseconds (upper bound)
     */
    public Backoff(long first, long max) {
        if (first <= 0 || max < first) {
            throw new IllegalArgumentException("backoff from " + first + " ms to " + max + " ms");
        }
        this.first = first;
        this.max = max;
        this.current = first;
    }

    /** The delay before the next attempt, in milliseconds; the one after is up to twice as long. */
    public synchronized long next() {
        long bound = current;
        current = Math.min(max, current * 2);
        return bound - ThreadLocalRandom.current().nextLong(bound / 2 + 1);
    }

    /** Starts again from the first delay. */
    public synchronized void reset() {
        current = first;
    }
}
