package dev.outpost.protocol;

import java.time.OffsetDateTime;

/**
 * A replica as the servers know it: from its requests (who, when, where in the feed) and from its sync
 * reports (what it holds, how its last sync ended).
 *
 * @param id the replica's id (a UUID it chose)
 * @param tokenId the stored token it last used; null for a token of the settings
 * @param tokenName the name of that token (for a token of the settings: its kind)
 * @param clientVersion the client's version it last sent
 * @param firstSeen its first request
 * @param lastSeen its latest request (recorded every few seconds at most)
 * @param tag the release it holds, from its last report; null before one
 * @param schemaFingerprint the schema fingerprint it holds, from its last report
 * @param position its change-feed position, from its latest request or report; null if unknown
 * @param changesBehind changes in the feed after its position; null if unknown
 * @param secondsBehind seconds from the oldest change it has not applied to now; 0 when none waits,
 *     null if unknown
 * @param lastOutcome the outcome of its last reported sync ({@link SyncReport#outcome()})
 * @param lastErrorCode the error code of its last sync, if that failed
 * @param lastError the message of its last sync, if that failed
 * @param lastSyncAt when it reported its last sync
 */
public record ReplicaInfo(
        String id,
        Long tokenId,
        String tokenName,
        String clientVersion,
        OffsetDateTime firstSeen,
        OffsetDateTime lastSeen,
        String tag,
        String schemaFingerprint,
        Long position,
        Long changesBehind,
        Long secondsBehind,
        String lastOutcome,
        String lastErrorCode,
        String lastError,
        OffsetDateTime lastSyncAt) {}
