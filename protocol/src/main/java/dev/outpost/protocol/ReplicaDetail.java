package dev.outpost.protocol;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One replica and its recent syncs, the newest first.
 *
 * @param replica what the servers know of it
 * @param syncs its most recent sync reports, at most {@link #MAX_SYNCS}
 */
public record ReplicaDetail(ReplicaInfo replica, List<Sync> syncs) {
    /** Sync reports kept and shown per replica. */
    public static final int MAX_SYNCS = 100;

    /**
     * One reported sync, as received.
     *
     * @param at when the server received the report
     * @param report what the replica reported
     */
    public record Sync(OffsetDateTime at, SyncReport report) {}
}
