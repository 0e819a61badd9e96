package dev.outpost.server.capture;

import java.sql.SQLException;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Tells PostgreSQL how far capture has got while the stream is idle between transactions: everything
 * the walsender sent before its last message (a keepalive carries how far it has read the WAL) is
 * stored, or was nothing the feed carries. So the slot's {@code confirmed_flush_lsn} reaches the
 * WAL's end soon after the last stored commit, and a request for the feed's newest position can wait
 * until capture has stored everything committed before it arrived ({@code ChangesResource}).
 *
 * <p>Invariant: only called outside a transaction, after every earlier commit was stored and
 * acknowledged, so acknowledging the last received position acknowledges nothing unstored.
 */
final class CaughtUp {
    /** Status updates the idle loop sends at most this often. */
    private static final long STATUS_NANOS = 50_000_000L;

    private long nextStatus;

    /** Acknowledges the stream's last received position when it moved, and reports it soon. */
    void caughtUp(PGReplicationStream stream) throws SQLException {
        LogSequenceNumber received = stream.getLastReceiveLSN();
        if (received.asLong() <= stream.getLastFlushedLSN().asLong()) {
            return; // nothing new, or a commit's end already acknowledged beyond it
        }
        long now = System.nanoTime();
        if (now - nextStatus < 0) {
            return;
        }
        stream.setAppliedLSN(received);
        stream.setFlushedLSN(received);
        stream.forceUpdateStatus();
        nextStatus = now + STATUS_NANOS;
    }
}
