package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads the rows of one page on a thread of its own, ahead of Derby: each line is parsed and its
 * values converted ({@link PgText}) while Derby inserts the rows before it, so that reading and
 * storing run on two cores instead of taking turns on one.
 *
 * <p>Rows are handed over in batches. The rows waiting at any time are at most {@link #WAITING_BATCHES}
 * batches and hold at most {@link #WAITING_CHARS} characters of lines (a longer row waits alone), so
 * memory stays bounded whatever the rows hold.
 *
 * <p>The page ends with its end marker, whose row count is checked here, or with a failure: a
 * truncated or malformed page ({@link ErrorCode#PROTOCOL_ERROR}), a lost connection ({@link
 * ErrorCode#SERVER_UNREACHABLE}), a value the replica cannot hold ({@link
 * ErrorCode#SCHEMA_UNSUPPORTED}) or the reading thread dying of an {@link Error} ({@link
 * ErrorCode#REPLICA_ERROR}: the loading thread never waits for a reader that is gone). The end
 * marker reaches the loading thread after the page's last row; a failure as soon as the rows already
 * handed over are taken (the rows read after them are dropped: the load rolls the page back anyway).
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

    private final BufferedReader lines;
    private final ReplicaTable table;
    private final ColumnKind[] kinds;
    private final int width;
    private final long rowsBefore;
    private final Consumer<RowLines.End> endArrived;
    private final Thread thread;

    private final Object lock = new Object();
    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    private long waitingChars;
    private boolean finished;
    private boolean closed;
    private RowLines.End end;
    private OutpostException failure;

    /** The batch the loading thread is taking rows from. */
    private List<Object[]> current = List.of();

    private int nextInCurrent;

    /**
     * Starts reading at once.
     *
     * @param endArrived told, on the reading thread, the page's end marker as soon as it was read and
     *     its count matched, before the loading thread has taken the last rows: the moment to ask for
     *     the next page (it must not block)
     */
    ReadAhead(BufferedReader lines, ReplicaTable table, long rowsBefore, Consumer<RowLines.End> endArrived) {
        this.lines = lines;
        this.table = table;
        List<ReplicaColumn> columns = table.columns();
        this.kinds = new ColumnKind[columns.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = columns.get(i).kind();
        }
        this.width = kinds.length + (table.hasRowNumber() ? 1 : 0);
        this.rowsBefore = rowsBefore;
        this.endArrived = endArrived;
        this.thread = new Thread(this::read, "outpost-read-ahead " + table.name());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The next row's values as Derby takes them, or {@code null} after the page's last row.
     *
     * @throws OutpostException what ended the page, if it was not its end marker
     */
    Object[] next() {
        if (nextInCurrent < current.size()) {
            return current.get(nextInCurrent++);
        }
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
            current = batch.rows();
            nextInCurrent = 1;
            return current.get(0);
        }
    }

    /** The end marker, once the page was read to it and its count matched. */
    RowLines.End end() {
        synchronized (lock) {
            return end;
        }
    }

    /** Stops reading (rows not taken yet are dropped) and waits until the reading thread has ended. */
    void close() {
        synchronized (lock) {
            closed = true;
            waiting.clear();
            waitingChars = 0;
            lock.notifyAll();
        }
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

    /** The reading thread: lines to converted rows, batch by batch, until the end marker or a failure. */
    private void read() {
        List<Object[]> batch = new ArrayList<>(BATCH_ROWS);
        long chars = 0;
        long rows = 0;
        try {
            while (true) {
                String line = lines.readLine();
                if (line == null) {
                    throw protocolError("the page ended without its end marker after " + rows + " rows (truncated)");
                }
                RowLines.Line parsed = parse(line);
                if (parsed instanceof RowLines.End e) {
                    if (e.rows() != rows) {
                        throw protocolError(
                                "the page's end marker counts " + e.rows() + " rows but " + rows + " arrived");
                    }
                    endArrived.accept(e);
                    handOver(batch, chars);
                    finish(e, null);
                    return;
                }
                rows++;
                batch.add(convert(((RowLines.Row) parsed).values(), rowsBefore + rows));
                chars += line.length();
                if (batch.size() == BATCH_ROWS || chars >= WAITING_CHARS / 4) {
                    handOver(batch, chars);
                    batch = new ArrayList<>(BATCH_ROWS);
                    chars = 0;
                }
            }
        } catch (IOException e) {
            finish(
                    null,
                    new OutpostException(
                            ErrorCode.SERVER_UNREACHABLE,
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
    private void handOver(List<Object[]> batch, long chars) {
        if (batch.isEmpty()) {
            return;
        }
        synchronized (lock) {
            try {
                while (!closed
                        && !waiting.isEmpty()
                        && (waitingChars + chars > WAITING_CHARS || waiting.size() >= WAITING_BATCHES)) {
                    lock.wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Closed();
            }
            if (closed) {
                throw new Closed();
            }
            waiting.add(new Batch(batch, chars));
            waitingChars += chars;
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

    /** One row's values as Derby takes them; dates and timestamps as Derby's text form. */
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
                throw new OutpostException(
                        ErrorCode.SCHEMA_UNSUPPORTED,
                        "Table " + table.name() + ": column "
                                + table.columns().get(i).name() + " holds " + e.getMessage()
                                + "; nothing was changed");
            } catch (IllegalArgumentException e) {
                throw protocolError(table.name() + "." + table.columns().get(i).name() + " is " + e.getMessage());
            }
            if (value != null) {
                switch (kinds[i]) {
                    case DATE, TIMESTAMP, TIMESTAMP_UTC -> value = DerbyBinder.derbyText(kinds[i], value);
                    default -> {
                        // stored as parsed
                    }
                }
            }
            values[i] = value;
        }
        if (width > kinds.length) {
            values[kinds.length] = rowNumber;
        }
        return values;
    }

    private OutpostException protocolError(String message) {
        return new OutpostException(
                ErrorCode.PROTOCOL_ERROR, "Bad row page for table " + table.name() + ": " + message);
    }

    private record Batch(List<Object[]> rows, long chars) {}

    /** Thrown on the reading thread when the load stopped taking rows. */
    private static final class Closed extends RuntimeException {
        Closed() {
            super(null, null, false, false);
        }
    }
}
