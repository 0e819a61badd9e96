package dev.outpost.server.changes;

import dev.outpost.server.capture.FeedTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Where an answer from the change history ends, so that replicas that stopped at different positions
 * soon ask for the very same ranges, which a cache can then share. Ranges nest in powers of ten up to
 * {@value #TOP} positions: an answer ends at the first transaction end at or past the next multiple
 * of a step, and the step is ten times the roundest multiple the transaction ending at {@code after}
 * crossed. A replica from any position thus climbs in a few short answers (a transaction of 100
 * changes crosses a multiple of 100, so its next answer goes to a multiple of 1,000, then of 10,000)
 * to the answers every replica asks for; its own first answers hold a few changes, not thousands.
 * Applies only where the log already reaches past the next multiple of {@value #TOP} (the history):
 * near the newest changes an answer takes all there are, as live mode needs.
 */
final class HistoryRanges {
    /** The widest range, in positions: where every replica's answers meet. */
    static final long TOP = 10_000;

    /** The previous transaction's end, looked for at most {@value #TOP} positions back. */
    private static final String PREVIOUS_END = "select position from " + FeedTables.CHANGE_LOG
            + " where position < ? and position >= ? and last order by position desc limit 1";

    private HistoryRanges() {}

    /**
     * The position an answer after {@code after} ends at (its last transaction ends there or just
     * past it), read in the answer's snapshot, whose bounds are {@code bounds}; {@link Long#MAX_VALUE}
     * when the log does not reach past the next multiple of {@value #TOP}, i.e. the answer is not history.
     */
    static long end(Connection connection, long after, ChangeLog.Bounds bounds) throws SQLException {
        if (bounds.latestPosition() < nextMultiple(after, TOP)) {
            return Long.MAX_VALUE;
        }
        // none within TOP: the transaction began at the log's start (the horizon), or crossed a multiple of TOP
        long previousEnd = Math.max(bounds.horizon(), after - TOP - 1);
        try (PreparedStatement ps = connection.prepareStatement(PREVIOUS_END)) {
            ps.setLong(1, after);
            ps.setLong(2, after - TOP);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    previousEnd = rs.getLong(1);
                }
            }
        }
        return nextMultiple(after, step(previousEnd, after));
    }

    /**
     * Ten times the roundest multiple (a power of ten up to {@value #TOP}) in {@code (previousEnd,
     * end]}, the positions of the transaction ending at {@code end}; at most {@value #TOP}.
     */
    static long step(long previousEnd, long end) {
        long roundest = 1;
        for (long r = TOP; r > 1; r /= 10) {
            if (Math.floorDiv(end, r) * r > previousEnd) {
                roundest = r;
                break;
            }
        }
        return Math.min(roundest * 10, TOP);
    }

    /** The next multiple of {@code step} after {@code position}. */
    static long nextMultiple(long position, long step) {
        return (Math.floorDiv(position, step) + 1) * step;
    }
}
