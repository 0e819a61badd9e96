package dev.outpost.server.changes;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.problem.ProblemException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a snapshot begins in the change feed, answered at once and resolved to a position later. A
 * mark names the WAL insert position at the request and the newest position stored before it ({@code
 * wal-16/B374D848-1234}); every transaction whose
 * commit record lies before it is visible to a snapshot read after the mark was answered, so the
 * changes committed before the mark are exactly those the snapshot already holds. Resolved once the
 * snapshot is read, when capture has long stored them: the download never waits for capture.
 *
 * <p>A transaction whose commit record is written but not yet visible (its commit still flushing or
 * waiting for a synchronous standby) would break that; so the mark waits until every transaction
 * running when it was taken has ended, at most {@value #SETTLE_MILLIS} ms. A transaction still running
 * after that (a long batch job) may be such a one: the mark is then a stored position taken the slow,
 * safe way ({@link ChangeLog#awaitCapturedUpToNow}), which resolves to itself.
 */
final class FeedMark {
    private static final String PREFIX = "wal-";
    private static final Pattern WAL_MARK = Pattern.compile("wal-([0-9A-F]{1,8}/[0-9A-F]{1,8})-([0-9]{1,18})");
    private static final Pattern POSITION = Pattern.compile("[0-9]{1,18}");
    private static final long SETTLE_MILLIS = 1_000;
    private static final long POLL_MILLIS = 5;

    private FeedMark() {}

    /**
     * A mark for a snapshot about to be read.
     *
     * @param stored the newest position (of a change or a gap) stored before this call
     * @param slowPath the newest position once capture stored everything committed before now (the
     *     fallback while a transaction of the mark's moment still runs)
     */
    static String take(Connection connection, long stored, SlowPath slowPath)
            throws SQLException, InterruptedException {
        String lsn;
        String snapshot;
        try (PreparedStatement ps = connection.prepareStatement(
                        "select pg_current_wal_insert_lsn()::text, pg_current_snapshot()::text");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            lsn = rs.getString(1);
            snapshot = rs.getString(2);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS);
        try (PreparedStatement running = connection.prepareStatement("select count(*) from"
                + " pg_snapshot_xip(?::pg_snapshot) as x(xid) where pg_xact_status(x.xid) = 'in progress'")) {
            running.setString(1, snapshot);
            while (true) {
                try (ResultSet rs = running.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return PREFIX + lsn + "-" + stored;
                    }
                }
                if (System.nanoTime() - deadline > 0) {
                    return Long.toString(slowPath.position());
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    /**
     * The newest position whose changes were all committed before {@code mark}: a snapshot read after
     * the mark holds them; never older than what was stored when the mark was taken, so a gap in the
     * feed or retention moving the horizon meanwhile makes the replica rebuild, as it must. Waits (at most {@code captureWaitMillis}) until capture has stored everything
     * before the mark; should it not have, the position is older, which stays correct (the overlap is
     * applied again, idempotently).
     */
    static long resolve(Connection connection, String mark, long captureWaitMillis)
            throws SQLException, InterruptedException {
        if (POSITION.matcher(mark).matches()) {
            return Long.parseLong(mark);
        }
        Matcher walMark = WAL_MARK.matcher(mark);
        if (!walMark.matches()) {
            throw new ProblemException(
                    ProblemType.MALFORMED_CURSOR, "'mark' must be a mark this feed issued, was '" + mark + "'");
        }
        String lsn = walMark.group(1);
        long stored = Long.parseLong(walMark.group(2));
        ChangeLog.awaitCaptured(connection, lsn, captureWaitMillis);
        try (PreparedStatement ps = connection.prepareStatement("select position from " + FeedTables.CHANGE_LOG
                + " where commit_lsn < ?::pg_lsn order by position desc limit 1")) {
            ps.setString(1, lsn);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(rs.getLong(1), stored) : stored;
            }
        }
    }

    /** The newest position covering now, taken by waiting for capture. */
    interface SlowPath {
        long position() throws SQLException, InterruptedException;
    }
}
