package dev.outpost.server.operations;

import dev.outpost.protocol.FeedStatus;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether change capture is healthy, as readiness judges it. Snapshot-only by intent (capture disabled
 * on the instance, or PostgreSQL without logical decoding) is healthy: the server serves what it
 * should. Where the feed should run, it is healthy while it is {@code capturing} and some instance reads
 * the replication slot; otherwise it has failed, and readiness says so once that lasted longer than
 * {@link #GRACE} (longer than the capture loop's longest retry delay, so that a PostgreSQL restart or a
 * capturer handing over to another instance does not take instances out of a load balancer).
 */
final class CaptureHealth {
    /** How long the feed may be down where it should run before capture counts as failed. */
    static final Duration GRACE = Duration.ofSeconds(90);

    private Instant unhealthySince;

    /**
     * @param feedExpected whether the feed should run: capture enabled here and {@code wal_level=logical}
     * @param status the feed's status now
     */
    synchronized boolean up(boolean feedExpected, FeedStatus status, Instant now) {
        boolean healthy = !feedExpected || (FeedStatus.CAPTURING.equals(status.mode()) && status.slotActive());
        if (healthy) {
            unhealthySince = null;
            return true;
        }
        if (unhealthySince == null) {
            unhealthySince = now;
        }
        return Duration.between(unhealthySince, now).compareTo(GRACE) < 0;
    }
}
