package dev.outpost.client.internal.sync;

import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncResult;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.protocol.SyncReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@link SyncReport} of one sync, as the replica holds it after the sync: its tag, schema
 * fingerprint and feed position are read back from the active database, so that a failed sync
 * reports what the replica still holds.
 */
public final class SyncReports {
    /** Longest error message sent; a longer one is cut. */
    static final int MAX_ERROR = 1_000;

    private SyncReports() {}

    /** The report of a sync that returned {@code result}. */
    public static SyncReport succeeded(SyncResult result, DerbyReplicaStore store) {
        Held held = held(store);
        return new SyncReport(
                result.outcome().name(),
                held.tag(),
                held.schemaFingerprint(),
                result.tablesRebuilt(),
                result.tablesKept(),
                result.rows(),
                result.bytes(),
                result.duration().toMillis(),
                held.position(),
                null,
                null,
                result.quarantinedValues(),
                result.quarantined().stream()
                        .map(q -> q.table() + "." + q.column())
                        .toList());
    }

    /** The report of a sync that failed with {@code error} after receiving {@code bytes} in {@code duration}. */
    public static SyncReport failed(OutpostException error, long bytes, Duration duration, DerbyReplicaStore store) {
        Held held = held(store);
        String message = error.getMessage() == null ? error.code().name() : error.getMessage();
        return new SyncReport(
                SyncReport.FAILED,
                held.tag(),
                held.schemaFingerprint(),
                List.of(),
                List.of(),
                0,
                bytes,
                duration.toMillis(),
                held.position(),
                error.code().name(),
                truncated(message),
                0,
                List.of());
    }

    /** At most {@link #MAX_ERROR} characters, never half a surrogate pair. */
    static String truncated(String message) {
        if (message.length() <= MAX_ERROR) {
            return message;
        }
        int end = Character.isHighSurrogate(message.charAt(MAX_ERROR - 1)) ? MAX_ERROR - 1 : MAX_ERROR;
        return message.substring(0, end);
    }

    /** What the active database holds; nothing when there is none or it cannot be read. */
    private static Held held(DerbyReplicaStore store) {
        try {
            Optional<ReplicaStatus.Local> local = store.state();
            if (local.isEmpty()) {
                return new Held(null, null, null);
            }
            Long position =
                    FeedState.ofActive(store).map(FeedState.State::position).orElse(null);
            return new Held(local.get().tag(), local.get().schemaFingerprint(), position);
        } catch (OutpostException e) {
            return new Held(null, null, null);
        }
    }

    private record Held(String tag, String schemaFingerprint, Long position) {}
}
