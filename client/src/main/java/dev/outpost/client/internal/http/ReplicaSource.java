package dev.outpost.client.internal.http;

import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncReport;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.VersionInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;

/** Where a sync reads from: the server's sync API ({@code SyncHttpClient}) or, in tests, memory. */
public interface ReplicaSource {
    /** The server's version. */
    VersionInfo version();

    /** The synced tables as data. */
    SchemaInfo schema();

    /**
     * Asks for one page of a table's rows and returns it open, once the answer has started (a refused
     * request throws here); the caller reads it up to its end marker and closes it. Safe to call from
     * another thread while an earlier page is being read.
     *
     * @param columns the columns the page is to carry besides the key ({@link
     *     dev.outpost.protocol.SyncPaths#COLUMN_PARAM}); empty: every column
     * @param after cursor from the previous page's end marker, {@code null} for the first page
     */
    PageStream openPage(String table, List<String> columns, String after, int limit);

    /** Opens one page of every column of a table's rows: see {@link #openPage(String, List, String, int)}. */
    default PageStream openPage(String table, String after, int limit) {
        return openPage(table, List.of(), after, limit);
    }

    /** Streams one page of a table's rows to {@code reader} and returns what it returns. */
    default RowLines.End page(String table, String after, int limit, PageReader reader) {
        try (PageStream page = openPage(table, after, limit)) {
            return reader.read(page.lines());
        }
    }

    /**
     * The change feed's newest position, taken before reading a snapshot: the changes after it
     * include everything written while the snapshot is read. Pages asked for after it name it ({@link
     * dev.outpost.protocol.SyncPaths#POSITION_PARAM}), so that a server reading from a standby answers
     * them only from one that holds every change up to it.
     *
     * @throws dev.outpost.client.OutpostException {@link dev.outpost.client.ErrorCode#FEED_UNAVAILABLE}
     *     when the server runs no change feed
     */
    long feedPosition();

    /**
     * Streams the committed changes after {@code after} ({@link dev.outpost.protocol.ChangeLines}) to
     * {@code reader} and returns what it returns.
     *
     * @param waitSeconds live mode: how long the server may hold an empty answer back (0: answer now)
     * @param schemaFingerprint the replica's schema fingerprint: lets a replica that already migrated
     *     continue from a position older than the server's last schema change
     * @throws dev.outpost.client.OutpostException {@link
     *     dev.outpost.client.ErrorCode#FEED_POSITION_LOST} when the feed cannot continue from {@code
     *     after}
     */
    RowLines.End changes(long after, int limit, int waitSeconds, String schemaFingerprint, PageReader reader);

    /**
     * Says that {@link #changes} will be asked next for the changes after {@code after} (without
     * waiting), so that a source on a slow link may ask for them already; a source may also ignore it.
     */
    default void expectChanges(long after, int limit, String schemaFingerprint) {}

    /**
     * Whether the last {@link #changes} answer was a complete range of the history (marked immutable by
     * the server): more changes follow it, however few it held, so the feed is not drained.
     */
    default boolean lastChangesComplete() {
        return false;
    }

    /** The row count and digest of one synced table, for verifying a replica. */
    TableDigest digest(String table);

    /**
     * Tells the server what a sync did ({@code POST sync/reports}). Best effort: a report the server
     * does not take (unreachable, an older server without the endpoint, a refused token) is dropped,
     * logged once, and the sync is not failed; it is sent with a short timeout, so that it never holds
     * the sync up noticeably.
     */
    void report(SyncReport report);

    /**
     * Ends every request in progress at once (a long poll, a page being read: their calls fail with
     * {@link dev.outpost.client.ErrorCode#STOPPED}, reads of their answers with {@link RequestStopped})
     * and refuses new ones the same way until {@link #resumeRequests()}. Thread-safe; for stopping live
     * mode without waiting for the server.
     */
    void stopRequests();

    /** Takes requests again after {@link #stopRequests()}. */
    void resumeRequests();

    /** Bytes received so far, on the wire. */
    long bytesReceived();

    /**
     * One page's answer, open: its {@link RowLines}, line by line, and the next page's cursor if the
     * server announced it before the rows ({@link dev.outpost.protocol.SyncPaths#NEXT_PAGE_HEADER}),
     * else {@code null} (the last page, or a server that does not announce it); on a table's first
     * page, the server's estimate of the table's rows if it sent one ({@link
     * dev.outpost.protocol.SyncPaths#ESTIMATED_ROWS_HEADER}).
     */
    record PageStream(BufferedReader lines, String next, OptionalLong estimatedRows) implements AutoCloseable {
        /** A page without an estimate. */
        public PageStream(BufferedReader lines, String next) {
            this(lines, next, OptionalLong.empty());
        }

        /** Ends the answer, read to its end or not (a page abandoned half-read is asked for again). */
        @Override
        public void close() {
            try {
                lines.close();
            } catch (IOException e) {
                // nothing was lost: the page was either read to its end marker or is being dropped
            }
        }
    }

    /** Consumes one page's {@link RowLines}, line by line. */
    @FunctionalInterface
    interface PageReader {
        /** Reads the page up to and including its end marker. */
        RowLines.End read(BufferedReader lines);
    }
}
