package dev.outpost.protocol;

/**
 * {@code GET sync/feed}: how the change feed stands, for operators and monitoring.
 *
 * <p>The feed runs ({@value #CAPTURING}) only where PostgreSQL has logical decoding ({@code
 * wal_level=logical}), capture is enabled, and the replication slot exists. Otherwise the server is in
 * {@value #SNAPSHOT_ONLY} mode: version check, schema and table pages work as always, every table of
 * the schema is {@code followed: false}, {@code sync/changes} answers {@link ProblemType#UNAVAILABLE},
 * and clients sync by snapshots alone. The positions then describe the feed as it was left (zero if it
 * never ran): nothing moves them until capture starts.
 *
 * @param mode {@value #CAPTURING} or {@value #SNAPSHOT_ONLY}
 * @param reason why the feed does not run, in words for an operator ({@code null} while capturing)
 * @param slotActive whether a server instance is reading the replication slot right now
 * @param slotLagBytes WAL bytes PostgreSQL keeps for the slot (written but not yet acknowledged), or
 *     {@code null} without a slot
 * @param latestPosition the newest position: of the newest stored change, or the position a gap in the
 *     feed was recorded at, whichever is newer
 * @param horizon positions up to this one were deleted by retention
 * @param epoch positions before this one predate the current schema: clients there must rebuild
 */
public record FeedStatus(
        String mode,
        String reason,
        boolean slotActive,
        Long slotLagBytes,
        long latestPosition,
        long horizon,
        long epoch) {
    /** The change feed runs: changes are captured and served. */
    public static final String CAPTURING = "capturing";

    /** No change feed: clients keep current by the version check and table snapshots. */
    public static final String SNAPSHOT_ONLY = "snapshot-only";
}
