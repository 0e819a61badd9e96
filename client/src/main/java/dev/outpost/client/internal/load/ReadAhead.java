package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.RequestStopped;
import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the rows of one page, or of a table's pages one after the other, on a thread of its own,
 * ahead of Derby: each line is parsed and its values converted ({@link PgText}) while Derby inserts
 * the rows before it, so that reading and storing run on two cores instead of taking turns on one.
 * With following pages the reading thread goes on to the next page as soon as it has read a page's
 * end marker, while Derby still stores the rows before it: Derby waits for the next page's answer
 * only as long as that outlasts the rows waiting, and never for a new reading thread's first rows
 * (on loopback the difference was too small to measure).
 *
 * <p>Rows are handed over in batches. The rows waiting at any time are at most {@link #WAITING_BATCHES}
 * batches and hold at most {@link #WAITING_CHARS} characters of lines (a longer row waits alone), so
 * memory stays bounded whatever the rows hold.
 *
 * <p>Each page ends with its end marker, whose row count is checked here, or with a failure: a
 * truncated or malformed page ({@link ErrorCode#PROTOCOL_ERROR}), a lost connection ({@link
 * ErrorCode#SERVER_UNREACHABLE}), a key value the replica cannot hold ({@link
 * ErrorCode#SCHEMA_UNSUPPORTED}; any other such value is stored as NULL and kept for the {@link
 * Quarantine}) or the reading thread dying of an {@link Error} ({@link
 * ErrorCode#REPLICA_ERROR}: the loading thread never waits for a reader that is gone), or with the
 * next page that cannot be had. A page's end marker reaches the loading thread after the page's last
 * row (the last page's as {@link #end()}, the others through {@code pageTaken}); a failure as soon as
 * the rows already handed over are taken (the rows read after them are dropped: the load rolls the
 * pages back anyway).
 * {@link #close()} stops the reading thread and waits for it, so that nothing reads the page's lines
 * once it returns.
 */
final class ReadAhead {
    /** Rows per hand-over, at most. */
    static final int BATCH_ROWS = 256;

    /** Characters of lines that may wait for Derby at a time (a longer row waits alone). */
    static final long WAITING_CHARS = 1 << 20;

    /** Batches that may wait for Derby at a time. */
    static final int WAITING_BATCHES = 16;

    private final BufferedReader firstPage;
    private final ReplicaTable table;
    private final ColumnKind[] kinds;
    private final boolean[] keyColumns;
    private final int width;
    private final long rowsBefore;
    private final Consumer<RowLines.End> endArrived;
    private final PageResume pages;
    private final boolean following;
    private final Consumer<RowLines.End> pageTaken;
    private final Thread thread;

    private final Object lock = new Object();
    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    private long waitingChars;
    private boolean finished;
    private boolean closed;
    private RowLines.End end;
    private OutpostException failure;

    /** Values Derby cannot hold, stored as NULL: their rows' entries for the quarantine. */
    private final List<Quarantine.Entry> quarantined = new ArrayList<>();

    /** The batch the loading thread is taking rows from. */
    private List<Object[]> current = List.of();

    private int nextInCurrent;

    /** The end marker of the page whose last rows are {@link #current}, if another page follows it. */
    private RowLines.End currentPageEnd;

    /**
     * Starts reading at once.
     *
     * @param endArrived told, on the reading thread, each page's end marker as soon as it was read and
     *     its count matched, before the loading thread has taken the last rows: the moment to ask for
     *     the next page (it must not block)
     * @param pages opens the pages after the first, on the reading thread once the page before has
     *     ended, and takes a page up again after a lost connection; {@code null}: a lost connection
     *     ends the reading
     * @param pageTaken told, on the loading thread, the end marker of each page but the last, once
     *     the page's last row has been taken; {@code null}: the first page alone
     */
    ReadAhead(
            BufferedReader firstPage,
            ReplicaTable table,
            long rowsBefore,
            Consumer<RowLines.End> endArrived,
            PageResume pages,
            Consumer<RowLines.End> pageTaken) {
        this.firstPage = firstPage;
        this.table = table;
        List<ReplicaColumn> columns = table.columns();
        this.kinds = new ColumnKind[columns.size()];
        this.keyColumns = new boolean[columns.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = columns.get(i).kind();
            keyColumns[i] = table.primaryKey().contains(columns.get(i).name());
        }
        this.width = kinds.length + (table.hasRowNumber() ? 1 : 0);
        this.rowsBefore = rowsBefore;
        this.endArrived = endArrived;
        this.pages = pages;
        this.following = pageTaken != null;
        this.pageTaken = pageTaken;
        this.thread = new Thread(this::read, "outpost-read-ahead " + table.name());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The next row's values as Derby takes them, or {@code null} after the last page's last row.
     *
     * @throws OutpostException what ended the reading, if it was not the last page's end marker
     */
    Object[] next() {
        while (nextInCurrent == current.size()) {
            if (currentPageEnd != null) {
                RowLines.End taken = currentPageEnd;
                currentPageEnd = null;
                pageTaken.accept(taken);
            }
            Batch batch = take();
            if (batch == null) {
                return null;
            }
            current = batch.rows();
            nextInCurrent = 0;
            currentPageEnd = batch.pageEnd();
        }
        return current.get(nextInCurrent++);
    }

    /** The next batch handed over, waiting for it; {@code null} when the reading ended with the last page. */
    private Batch take() {
        synchronized (lock) {
            try {
                while (waiting.isEmpty() && !finished) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutpostException(
                        ErrorCode.SERVER_UNREACHABLE, "Interrupted while reading table " + table.name(), e);
            }
            Batch batch = waiting.poll();
            if (batch == null) {
                if (failure != null) {
                    throw failure;
                }
                return null;
            }
            waitingChars -= batch.chars();
            lock.notifyAll();
            return batch;
        }
    }

    /**
     * The quarantine entries of the values read so far that Derby cannot hold (stored as NULL); once
     * the rows were all taken, those of the rows stored.
     */
    List<Quarantine.Entry> quarantined() {
        synchronized (lock) {
            return List.copyOf(quarantined);
        }
    }

    /** The last page's end marker, once it was read to it and its count matched. */
    RowLines.End end() {
        synchronized (lock) {
            return end;
        }
    }

    /**
     * Stops reading (rows not taken yet are dropped) and waits until the reading thread has ended. A
     * reading thread blocked on the connection (an answer that stalls, or the next page's answer that
     * has not started) is interrupted, which ends its read.
     */
    void close() {
        synchronized (lock) {
            closed = true;
            waiting.clear();
            waitingChars = 0;
            lock.notifyAll();
        }
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The reading thread: lines to converted rows, batch by batch, page by page, until the last end marker or a failure. */
    private void read() {
        BufferedReader lines = firstPage;
        List<Object[]> batch = new ArrayList<>(BATCH_ROWS);
        long chars = 0;
        long rows = 0;
        long pageRows = 0;
        // the rows of the page's answer, which after a lost connection is another answer (see PageResume)
        long answerRows = 0;
        try {
            while (true) {
                String line;
                try {
                    line = lines.readLine();
                } catch (IOException lost) {
                    if (pages == null) {
                        throw lost;
                    }
                    lines = pages.resume(lost);
                    answerRows = pages.skipped();
                    continue;
                }
                if (line == null) {
                    throw protocolError(
                            "the page ended without its end marker after " + answerRows + " rows (truncated)");
                }
                RowLines.Line parsed = parse(line);
                if (parsed instanceof RowLines.End answerEnd) {
                    if (answerEnd.rows() != answerRows) {
                        throw protocolError("the page's end marker counts " + answerEnd.rows() + " rows but "
                                + answerRows + " arrived");
                    }
                    RowLines.End e =
                            answerEnd.rows() == pageRows ? answerEnd : new RowLines.End(pageRows, answerEnd.next());
                    endArrived.accept(e);
                    if (!following || e.next() == null) {
                        handOver(new Batch(batch, chars, null));
                        finish(e, null);
                        return;
                    }
                    handOver(new Batch(batch, chars, e));
                    batch = new ArrayList<>(BATCH_ROWS);
                    chars = 0;
                    pageRows = 0;
                    answerRows = 0;
                    lines = pages.open(e.next());
                    continue;
                }
                String[] values = ((RowLines.Row) parsed).values();
                if (pages != null) {
                    pages.rowRead(values);
                }
                rows++;
                pageRows++;
                answerRows++;
                batch.add(convert(values, rowsBefore + rows));
                chars += line.length();
                if (batch.size() == BATCH_ROWS || chars >= WAITING_CHARS / 4) {
                    handOver(new Batch(batch, chars, null));
                    batch = new ArrayList<>(BATCH_ROWS);
                    chars = 0;
                }
            }
        } catch (IOException e) {
            finish(
                    null,
                    new OutpostException(
                            RequestStopped.codeOf(e),
                            "Connection lost while reading table " + table.name() + ": " + e.getMessage(),
                            e));
        } catch (OutpostException e) {
            finish(null, e);
        } catch (Closed e) {
            // the load stopped taking rows: nothing is waiting for this page any more
        } catch (RuntimeException e) {
            finish(null, protocolError("unreadable row: " + e));
        } catch (Error e) {
            // the loading thread must not wait for ever for a reader that died (out of memory, ...)
            finish(
                    null,
                    new OutpostException(
                            ErrorCode.REPLICA_ERROR, "Reading table " + table.name() + " failed: " + e, e));
            throw e;
        }
    }

    /** Waits until the batch fits (or nothing waits) and queues it. */
    private void handOver(Batch batch) {
        if (batch.rows().isEmpty() && batch.pageEnd() == null) {
            return;
        }
        synchronized (lock) {
            try {
                while (!closed
                        && !waiting.isEmpty()
                        && (waitingChars + batch.chars() > WAITING_CHARS || waiting.size() >= WAITING_BATCHES)) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Closed();
            }
            if (closed) {
                throw new Closed();
            }
            waiting.add(batch);
            waitingChars += batch.chars();
            lock.notifyAll();
        }
    }

    private void finish(RowLines.End end, OutpostException failure) {
        synchronized (lock) {
            this.end = end;
            this.failure = failure;
            finished = true;
            lock.notifyAll();
        }
    }

    private RowLines.Line parse(String line) {
        try {
            return RowLines.parse(line);
        } catch (IllegalArgumentException e) {
            throw protocolError(e.getMessage());
        }
    }

    /** One row's values as Derby takes them ({@link PgText}; dates and timestamps as Derby's text). */
    private Object[] convert(String[] texts, long rowNumber) {
        if (texts.length != kinds.length) {
            throw protocolError("a row has " + texts.length + " values, the table has " + kinds.length + " columns");
        }
        Object[] values = new Object[width];
        for (int i = 0; i < texts.length; i++) {
            Object value;
            try {
                value = PgText.parse(kinds[i], texts[i]);
            } catch (PgText.Unrepresentable e) {
                value = quarantine(i, texts, rowNumber, e);
            } catch (IllegalArgumentException e) {
                throw protocolError(table.name() + "." + table.columns().get(i).name() + " is " + e.getMessage());
            }
            values[i] = value;
        }
        if (width > kinds.length) {
            values[kinds.length] = rowNumber;
        }
        return values;
    }

    /** The slow path of a value Derby cannot hold: NULL, with the exact text kept for the quarantine. */
    private Object quarantine(int i, String[] texts, long rowNumber, PgText.Unrepresentable e) {
        String column = table.columns().get(i).name();
        if (keyColumns[i]) {
            throw new OutpostException(
                    ErrorCode.SCHEMA_UNSUPPORTED,
                    "Table " + table.name() + ": key column " + column + " holds " + e.getMessage()
                            + "; nothing was changed");
        }
        Quarantine.Entry entry = new Quarantine.Entry(Quarantine.key(table, texts, rowNumber), column, texts[i]);
        synchronized (lock) {
            quarantined.add(entry);
        }
        return null;
    }

    private OutpostException protocolError(String message) {
        return new OutpostException(
                ErrorCode.PROTOCOL_ERROR, "Bad row page for table " + table.name() + ": " + message);
    }

    /** Rows handed over together; {@code pageEnd}: they end a page that another page follows. */
    private record Batch(List<Object[]> rows, long chars, RowLines.End pageEnd) {}

    /** Thrown on the reading thread when the load stopped taking rows. */
    private static final class Closed extends RuntimeException {
        Closed() {
            super(null, null, false, false);
        }
    }
}
