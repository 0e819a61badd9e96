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
        long changesApplied) {

    /** Copies the table lists. */
    public SyncResult {
        tablesRebuilt = List.copyOf(tablesRebuilt);
        tablesKept = List.copyOf(tablesKept);
    }

    /** This result with {@code changes} feed changes applied, {@code bytes} more received, in {@code duration}. */
    public SyncResult withChanges(long changes, long moreBytes, Duration duration) {
        return new SyncResult(
                outcome, previousTag, newTag, tablesRebuilt, tablesKept, rows, bytes + moreBytes, duration, changes);
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
