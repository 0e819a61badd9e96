package dev.outpost.client;

/**
 * Receives the {@link SyncEvent}s of {@link OutpostReplica#sync()}, on the thread that runs the sync.
 * An application can show an "updating database…" banner between {@link SyncEvent.RebuildStarted}
 * and {@link SyncEvent.RebuildCompleted} / {@link SyncEvent.SyncFailed}. A listener that throws is
 * logged and otherwise ignored; it never aborts the sync.
 */
@FunctionalInterface
public interface SyncListener {
    /** Called for each event; keep it quick, the sync waits for it. */
    void onEvent(SyncEvent event);
}
