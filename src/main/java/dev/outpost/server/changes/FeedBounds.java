package dev.outpost.server.changes;

import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.version.CoalescedRead;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The feed's bounds and mode as this instance last read them, shared by every changes request, so that
 * a request costs PostgreSQL no query of its own however many followers ask: {@link WaitingPolls}
 * reads them with its periodic check while polls wait, a request finding the last read older than
 * {@value #MAX_AGE_MILLIS} ms has them read again (one read at a time for all the requests asking
 * meanwhile: {@link CoalescedRead}), and every page read leaves the bounds of its own snapshot, so that
 * a follower asking again from the position it was just given finds it covered.
 *
 * <p>The copy is only an early answer. The horizon and the schema epoch only grow, so a position the
 * copy finds behind either is refused rightly; a position newer than the copy is refused only by a read
 * begun after the request arrived; and a position the copy lets through is checked again by the page
 * read in the snapshot it reads the page from ({@link ChangePageOutput}), so that a position retention
 * passed meanwhile is refused, never answered with a page that skips changes.
 */
@ApplicationScoped
public class FeedBounds {
    /** How old a read a request takes without asking for a new one. */
    static final long MAX_AGE_MILLIS = 2 * WaitingPolls.CHECK_MILLIS;

    private static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MILLIS);

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    private CoalescedRead<Reading> reads;

    private final Object seeing = new Object();

    /** The bounds the newest page read saw in its snapshot. */
    private volatile Seen seen;

    /** What a read found, and when its query began at the latest. */
    private record Reading(long startedNanos, ChangeLog.Feed feed) {}

    /** Bounds a page read saw in its snapshot, taken after {@code startedNanos}. */
    private record Seen(long startedNanos, ChangeLog.Bounds bounds) {}

    @PostConstruct
    void init() {
        reads = new CoalescedRead<>(this::read, System::nanoTime);
    }

    /**
     * The bounds as read at most {@value #MAX_AGE_MILLIS} ms ago, or as a page read saw them since; the
     * 503 problem when the feed does not run.
     */
    ChangeLog.Bounds recent() throws SQLException {
        return bounds(reads.get(System.nanoTime() - MAX_AGE_NANOS));
    }

    /**
     * The bounds as a read begun at or after {@code askedNanos} ({@link System#nanoTime()}) found them:
     * what a request may refuse a position newer than the feed by.
     */
    ChangeLog.Bounds readSince(long askedNanos) throws SQLException {
        return bounds(reads.get(askedNanos));
    }

    /** Reads the bounds and mode now (one read with the requests asking meanwhile). */
    ChangeLog.Feed refresh() throws SQLException {
        return reads.get(System.nanoTime()).feed();
    }

    /**
     * Keeps the bounds a page read saw in its snapshot, taken after {@code startedNanos}, until a read
     * begun later replaces them.
     */
    void observe(long startedNanos, ChangeLog.Bounds bounds) {
        synchronized (seeing) {
            Seen s = seen;
            if (s == null || startedNanos - s.startedNanos() > 0) {
                seen = new Seen(startedNanos, bounds);
            }
        }
    }

    /** The reading's bounds, or those a page read saw after it began (the newer, with the reading's mode). */
    private ChangeLog.Bounds bounds(Reading reading) {
        ChangeLog.Bounds read = reading.feed().require();
        Seen s = seen;
        return s != null && s.startedNanos() - reading.startedNanos() > 0 ? s.bounds() : read;
    }

    private Reading read() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            long started = System.nanoTime();
            return new Reading(started, ChangeLog.feed(connection, settings.captureEnabled()));
        }
    }
}
