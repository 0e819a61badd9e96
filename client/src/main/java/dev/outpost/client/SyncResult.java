package dev.outpost.client;

import java.time.Duration;
import java.util.List;

/**
 * What {@link OutpostReplica#sync()} did.
 *
 * @param outcome what happened
 * @param previousTag the replica's tag before the sync, {@code null} if there was no replica or no tag
 * @param newTag the replica's tag after the sync ({@code null} for an untagged server history)
 * @param tablesRebuilt tables loaded by this sync, empty when up to date
 * @param rows rows loaded
 * @param bytes bytes received on the wire (compressed size when the server compressed)
 * @param duration wall-clock time of the whole sync
 */
public record SyncResult(
        Outcome outcome,
        String previousTag,
        String newTag,
        List<String> tablesRebuilt,
        long rows,
        long bytes,
        Duration duration) {

    /** Copies the table list. */
    public SyncResult {
        tablesRebuilt = List.copyOf(tablesRebuilt);
    }

    /** What a sync did. */
    public enum Outcome {
        /** There was no replica; the first one was loaded. */
        CREATED,
        /** The replica was out of date and was rebuilt from scratch. */
        REBUILT,
        /** The replica already matched the server; nothing was touched. */
        UP_TO_DATE
    }
}
