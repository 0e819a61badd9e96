package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.RequestStopped;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.Backoff;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the pages of a table for {@link ReadAhead} and takes them up again after a lost connection,
 * so that a drop costs at most the part of one page read before it, not the table: the page is asked
 * for again, after a growing, jittered pause ({@link Backoff}), and read up to the last row already
 * read, found again by its key (a page's rows come in key order, and the changes made meanwhile reach
 * the replica through the feed, as for any page). Only connection failures are retried, at most
 * {@link #MAX_ATTEMPTS} times in a row without a new row; a stopped request ({@link RequestStopped})
 * is not.
 *
 * <p>A table without a key cannot be found again inside its page (it is one page, in no set order),
 * nor can a row deleted in the meantime: both fail as a lost connection, and the next sync resumes
 * after the last page stored.
 */
final class PageResume {
    /** Attempts in a row without a new row before the connection counts as lost. */
    static final int MAX_ATTEMPTS = 5;

    private static final Logger LOG = LoggerFactory.getLogger(PageResume.class);

    /** The first pause before a page is asked for again; the pauses double up to {@link #LONGEST_PAUSE_MILLIS}. */
    private static final long FIRST_PAUSE_MILLIS = 500;

    private static final long LONGEST_PAUSE_MILLIS = 8_000;

    private final String table;
    private final TableLoader.Pages pages;
    private final Backoff backoff;
    private final int[] keyColumns;
    private String pageAfter;
    private String[] lastRow;
    private long pageRows;
    private long skipped;
    private int attempts;

    /**
     * @param firstAfter the cursor the first page was asked for with ({@code null}: the table's start)
     * @param backoff the pauses between attempts
     */
    PageResume(ReplicaTable table, String firstAfter, TableLoader.Pages pages, Backoff backoff) {
        this.table = table.name();
        this.pages = pages;
        this.backoff = backoff;
        List<String> columns = table.columns().stream().map(ReplicaColumn::name).toList();
        this.keyColumns = table.primaryKey().stream().mapToInt(columns::indexOf).toArray();
        this.pageAfter = firstAfter;
    }

    /**
     * Pages of {@code table} taken up again after pauses of 0.5 s doubling to 8 s, jittered: at most
     * about 15 s without a new row before the sync fails and the next one resumes from the last
     * stored page.
     */
    static PageResume withDefaultPauses(ReplicaTable table, String firstAfter, TableLoader.Pages pages) {
        return new PageResume(table, firstAfter, pages, new Backoff(FIRST_PAUSE_MILLIS, LONGEST_PAUSE_MILLIS));
    }

    /** The page after cursor {@code after}, asked for again while the connection fails. */
    BufferedReader open(String after) {
        pageAfter = after;
        lastRow = null;
        pageRows = 0;
        try {
            return pages.open(after);
        } catch (OutpostException e) {
            if (e.code() != ErrorCode.SERVER_UNREACHABLE) {
                throw e;
            }
            return resume(e);
        }
    }

    /** Told each row read, in order: the last one is where a resumed page goes on from. */
    void rowRead(String[] values) {
        lastRow = values;
        pageRows++;
        if (attempts > 0) {
            attempts = 0;
            backoff.reset();
        }
    }

    /**
     * After {@code lost}: the page being read, asked for again and read up to and including the last
     * row read before; {@link #skipped()} says how many of its rows that was.
     *
     * @throws OutpostException {@link ErrorCode#SERVER_UNREACHABLE} when it cannot be resumed
     */
    BufferedReader resume(Exception lost) {
        if (RequestStopped.causedBy(lost)) {
            throw new OutpostException(
                    ErrorCode.STOPPED, "Stopped while reading table " + table + ": " + lost.getMessage(), lost);
        }
        if (pageRows > 0 && keyColumns.length == 0) {
            throw lostConnection(lost, "a table without a key cannot resume inside its page");
        }
        Exception last = lost;
        while (++attempts <= MAX_ATTEMPTS && !Thread.currentThread().isInterrupted()) {
            long pause = backoff.next();
            LOG.info(
                    "Connection lost while reading table {} ({}); asking again in {} ms, {} rows of the page read",
                    table,
                    last.getMessage(),
                    pause,
                    pageRows);
            pauseFor(pause);
            BufferedReader lines;
            long rows;
            try {
                lines = pages.open(pageAfter);
                rows = skipToLastRow(lines);
            } catch (IOException e) {
                last = e;
                continue;
            } catch (OutpostException e) {
                if (e.code() != ErrorCode.SERVER_UNREACHABLE) {
                    throw e;
                }
                last = e;
                continue;
            }
            if (rows < 0) {
                throw lostConnection(last, "the last row read is no longer on the page");
            }
            skipped = rows;
            return lines;
        }
        throw lostConnection(
                last,
                Thread.currentThread().isInterrupted() ? "stopped" : "gave up after " + MAX_ATTEMPTS + " attempts");
    }

    /** The rows of the resumed answer read by {@link #resume} (its end marker counts them too). */
    long skipped() {
        return skipped;
    }

    /** Reads up to the row with the last row's key; its rows read, or -1 when the page ended first. */
    private long skipToLastRow(BufferedReader lines) throws IOException {
        if (lastRow == null) {
            return 0;
        }
        long rows = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!(RowLines.parse(line) instanceof RowLines.Row row)) {
                return -1;
            }
            rows++;
            if (sameKey(row.values())) {
                return rows;
            }
        }
        throw new IOException("the page ended before its end marker");
    }

    private boolean sameKey(String[] values) {
        for (int i : keyColumns) {
            if (i >= values.length || !Objects.equals(values[i], lastRow[i])) {
                return false;
            }
        }
        return true;
    }

    private void pauseFor(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "Interrupted while reading table " + table, e);
        }
    }

    private OutpostException lostConnection(Exception cause, String why) {
        return new OutpostException(
                ErrorCode.SERVER_UNREACHABLE,
                "Connection lost while reading table " + table + ": " + cause.getMessage() + " (" + why + ")",
                cause);
    }
}
