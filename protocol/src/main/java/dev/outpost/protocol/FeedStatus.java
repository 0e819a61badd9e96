package dev.outpost.protocol;

/**
 * {@code GET sync/feed}: how the change feed stands, for operators and monitoring.
 *
 * @param slotActive whether a server instance is reading the replication slot right now
 * @param slotLagBytes WAL bytes PostgreSQL keeps for the slot (written but not yet acknowledged), or
 *     {@code null} without a slot
 * @param latestPosition the newest position: of the newest stored change, or the position a gap in the
 *     feed was recorded at, whichever is newer
 * @param horizon positions up to this one were deleted by retention
 * @param epoch positions before this one predate the current schema: clients there must rebuild
 */
public record FeedStatus(boolean slotActive, Long slotLagBytes, long latestPosition, long horizon, long epoch) {}
