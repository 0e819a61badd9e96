package dev.outpost.client;

import java.time.Duration;
import java.util.List;

/**
 * What {@link OutpostReplica#sync()} did.
 *
 * @param outcome what happened
 * @param previousTag the replica's tag before the sync, {@code null} if there was no replica or no tag
 * @param newTag the replica's tag after the sync ({@code null} for an untagged server history)
 * @param tablesRebuilt tables downloaded by this sync (new or changed), empty when up to date
 * @param tablesKept tables whose definition did not change: their rows were kept, without the network
 * @param rows rows downloaded by this sync (a resumed rebuild counts only what it downloaded itself)
 * @param bytes bytes received on the wire (compressed size when the server compressed)
 * @param duration wall-clock time of the whole sync
 * @param changesApplied changes of the server's change feed applied after the version check
 * @param tablesReloaded tables the change feed does not follow (all of them when the server runs no
 *     feed) whose rows changed on the server, loaded again in place after the version check; their
 *     rows count in {@code rows}
 * @param quarantined the replica's values that Derby cannot hold after this sync, per table and
 *     column (each row is stored with NULL there, the exact text is in {@code OUTPOST_QUARANTINE});
 *     empty when every value is held natively
 */
public record SyncResult(
        Outcome outcome,
        String previousTag,
        String newTag,
        List<String> tablesRebuilt,
        List<String> tablesKept,
        long rows,
        long bytes,
        Duration duration,
        long changesApplied,
        List<String> tablesReloaded,
        List<Quarantined> quarantined) {

    /** Copies the lists. */
    public SyncResult {
        tablesRebuilt = List.copyOf(tablesRebuilt);
        tablesKept = List.copyOf(tablesKept);
        tablesReloaded = List.copyOf(tablesReloaded);
        quarantined = List.copyOf(quarantined);
    }

    /** Values in quarantine over all tables and columns ({@link #quarantined()}). */
    public long quarantinedValues() {
        return quarantined.stream().mapToLong(Quarantined::values).sum();
    }

    /** This result with the replica's quarantined values after the sync. */
    public SyncResult withQuarantined(List<Quarantined> values) {
        return new SyncResult(
                outcome,
                previousTag,
                newTag,
                tablesRebuilt,
                tablesKept,
                rows,
                bytes,
                duration,
                changesApplied,
                tablesReloaded,
                values);
    }

    /**
     * This result with what followed the version check: {@code changes} feed changes applied, {@code
     * reloaded} tables loaded again with {@code reloadedRows} rows, {@code moreBytes} received, the
     * whole sync having taken {@code duration}.
     */
    public SyncResult withFeed(
            long changes, List<String> reloaded, long reloadedRows, long moreBytes, Duration duration) {
        return new SyncResult(
                outcome,
                previousTag,
                newTag,
                tablesRebuilt,
                tablesKept,
                rows + reloadedRows,
                bytes + moreBytes,
                duration,
                changes,
                reloaded,
                quarantined);
    }

    /** What a sync did. */
    public enum Outcome {
        /** There was no replica; the first one was loaded. */
        CREATED,
        /**
         * The replica was out of date: a new database with the new and changed tables downloaded and
         * the unchanged ones kept became active.
         */
        REBUILT,
        /** The server's version moved but no synced table changed: only the new version was recorded. */
        RETAGGED,
        /**
         * The version check found the replica matching the server: nothing was rebuilt for a new
         * version. The change feed may still have rebuilt tables after it (a table the feed started
         * following, or a position the feed no longer has); {@link SyncEvent}s report those.
         */
        UP_TO_DATE
    }
}
