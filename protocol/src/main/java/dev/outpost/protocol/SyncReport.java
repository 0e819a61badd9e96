package dev.outpost.protocol;

import java.util.List;

/**
 * What one sync of a replica did, as the replica reports it to the server after the sync ({@code POST
 * sync/reports}, with the {@link SyncPaths#REPLICA_HEADER} naming the replica).
 *
 * @param outcome {@code CREATED}, {@code REBUILT}, {@code RETAGGED}, {@code UP_TO_DATE}, or {@code
 *     FAILED}
 * @param tag the release the replica holds after the sync (null if it holds none)
 * @param schemaFingerprint the schema fingerprint it holds after the sync (null if none)
 * @param tablesRebuilt tables downloaded by the sync
 * @param tablesKept tables kept from the replica before it
 * @param rows rows downloaded
 * @param bytes bytes received
 * @param durationMillis how long the sync took
 * @param position the replica's change-feed position after the sync (null if it follows no feed)
 * @param errorCode for {@code FAILED}: the client's error code, e.g. {@code SERVER_UNREACHABLE}
 * @param error for {@code FAILED}: the message, at most 1,000 characters
 * @param quarantinedValues values the replica holds as NULL after the sync because Derby cannot hold
 *     them (their exact text is in its {@code OUTPOST_QUARANTINE})
 * @param quarantinedColumns the columns those values are in, as {@code table.column}
 */
public record SyncReport(
        String outcome,
        String tag,
        String schemaFingerprint,
        List<String> tablesRebuilt,
        List<String> tablesKept,
        long rows,
        long bytes,
        long durationMillis,
        Long position,
        String errorCode,
        String error,
        long quarantinedValues,
        List<String> quarantinedColumns) {
    /** The outcome of a sync that failed. */
    public static final String FAILED = "FAILED";
}
