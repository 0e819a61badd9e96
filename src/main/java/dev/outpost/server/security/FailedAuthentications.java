package dev.outpost.server.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Throttles failed authentications per client address with a token bucket: a burst of {@value #BURST}
 * failures, then one a second ({@value #REFILL_MILLIS} ms a failure). While an address's bucket is
 * empty, its requests with a token are refused (429) without looking at the token, so a wrong guess
 * costs the guesser time, not the database a query. Kept in memory per instance: behind a balancer each
 * instance throttles on its own.
 */
@ApplicationScoped
public class FailedAuthentications {
    /** Failures an address may have in a row before it is throttled. */
    public static final int BURST = 10;

    /** One more failure is allowed after each such interval. */
    public static final long REFILL_MILLIS = 1_000;

    private static final int MAX_ADDRESSES = 100_000;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Failures left and when that was computed; a full bucket is forgotten. */
    private static final class Bucket {
        private double left = BURST;
        private long updatedNanos = System.nanoTime();

        private void refill(long now) {
            left = Math.min(BURST, left + (now - updatedNanos) / (REFILL_MILLIS * 1_000_000.0));
            updatedNanos = now;
        }
    }

    /** Seconds until the address may try again; 0 when it may now. */
    public long retryAfterSeconds(String address) {
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            return 0;
        }
        synchronized (bucket) {
            bucket.refill(System.nanoTime());
            if (bucket.left >= 1) {
                return 0;
            }
            return (long) Math.ceil((1 - bucket.left) * REFILL_MILLIS / 1000.0);
        }
    }

    /** Records a failed authentication from the address. */
    public void failed(String address) {
        if (buckets.size() >= MAX_ADDRESSES) {
            long now = System.nanoTime();
            buckets.values().removeIf(b -> {
                synchronized (b) {
                    b.refill(now);
                    return b.left >= BURST;
                }
            });
        }
        Bucket bucket = buckets.computeIfAbsent(address, a -> new Bucket());
        synchronized (bucket) {
            bucket.refill(System.nanoTime());
            bucket.left = Math.max(0, bucket.left - 1);
        }
    }
}
