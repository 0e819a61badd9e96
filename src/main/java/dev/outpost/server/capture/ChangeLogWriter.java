package dev.outpost.server.capture;

import dev.outpost.protocol.RowLines;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Stores one source transaction's changes in the change log, in one local transaction committed when
 * the source transaction's commit arrives. Changes are streamed into one {@code COPY} per transaction
 * as they arrive (sent every {@value #FLUSH_CHARS} characters), so a large source transaction is never
 * held in memory and costs PostgreSQL a bulk load rather than a statement per change; the one change
 * kept back is the latest, so that it can be marked as the transaction's last.
 */
final class ChangeLogWriter implements AutoCloseable {
    private static final int FLUSH_CHARS = 64 * 1024;
    private static final int HEADER = 4;
    private static final String COPY = "copy " + FeedTables.CHANGE_LOG
            + " (position, commit_lsn, table_name, op, last, shape, vals, old_vals) from stdin";

    private final Connection connection;
    private final CopyManager copies;
    private final StringBuilder lines = new StringBuilder();
    /** The transaction's copy, open from its first change written until it commits or rolls back. */
    private CopyIn copy;

    private long nextPosition;
    private long lastCommitLsn;
    private String[] pending;
    private long transactionLsn;
    private String transactionLsnText;

    ChangeLogWriter(Connection connection) throws SQLException {
        this.connection = connection;
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("select greatest(coalesce(max(position), 0),"
                        + " (select after_position from " + FeedTables.HORIZON + ")),"
                        + " coalesce(max(commit_lsn) - '0/0'::pg_lsn, 0)::bigint from " + FeedTables.CHANGE_LOG)) {
            rs.next();
            nextPosition = rs.getLong(1) + 1;
            lastCommitLsn = rs.getLong(2);
        }
        connection.commit();
        this.copies = connection.unwrap(PGConnection.class).getCopyAPI();
    }

    /**
     * Whether a transaction committed at this LSN was stored already (PostgreSQL redelivers what was
     * not yet acknowledged when the capturer stopped).
     */
    boolean alreadyStored(long commitLsn) {
        return commitLsn <= lastCommitLsn;
    }

    /** Starts a source transaction whose commit will be at {@code finalLsn}. */
    void begin(long finalLsn) {
        transactionLsn = finalLsn;
        transactionLsnText = LogSequenceNumber.valueOf(finalLsn).asString();
        pending = null;
    }

    /**
     * Adds a change of the current transaction; {@code shape} is its table's row shape, {@code
     * oldValues} the whole row before it or {@code null} ({@link ChangeTranslator.Sink}).
     */
    void add(String table, String op, String shape, String[] values, String[] oldValues) throws SQLException {
        if (pending != null) {
            write(pending, false);
        }
        pending = new String[values.length + HEADER];
        pending[0] = table;
        pending[1] = op;
        pending[2] = shape;
        pending[3] = oldValues == null ? null : line(oldValues);
        System.arraycopy(values, 0, pending, HEADER, values.length);
    }

    /** Whether the current transaction has changes to store. */
    boolean hasChanges() {
        return pending != null || copy != null;
    }

    /** Writes the rest of the transaction and commits it: from now on it is durable and readable. */
    void commit(long commitLsn) throws SQLException {
        if (pending != null) {
            write(pending, true);
            pending = null;
        }
        if (copy != null) {
            send();
            copy.endCopy();
            copy = null;
        }
        connection.commit();
        lastCommitLsn = Math.max(lastCommitLsn, commitLsn);
    }

    /** Forgets the current transaction (nothing of it was committed). */
    void rollback() throws SQLException {
        pending = null;
        lines.setLength(0);
        if (copy != null) {
            CopyIn open = copy;
            copy = null;
            if (open.isActive()) {
                open.cancelCopy();
            }
        }
        connection.rollback();
    }

    /** The newest position stored or reserved. */
    long lastPosition() {
        return nextPosition - 1;
    }

    /**
     * Reserves the next position without storing a change there, and returns it: after a gap in the
     * feed, the position from which clients can follow again (no transaction may be open).
     */
    long reserve() {
        return nextPosition++;
    }

    private void write(String[] change, boolean last) throws SQLException {
        if (copy == null) {
            copy = copies.copyIn(COPY);
        }
        lines.append(nextPosition++).append('\t').append(transactionLsnText).append('\t');
        field(change[0]).append('\t');
        field(change[1]).append('\t').append(last ? 't' : 'f').append('\t');
        field(change[2]).append('\t');
        String[] values = new String[change.length - HEADER];
        System.arraycopy(change, HEADER, values, 0, values.length);
        field(line(values)).append('\t');
        field(change[3]).append('\n');
        if (lines.length() >= FLUSH_CHARS) {
            send();
        }
    }

    /** Appends a value in COPY's text format: {@code \N} for null, backslash and control characters escaped. */
    private StringBuilder field(String value) {
        if (value == null) {
            return lines.append("\\N");
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> lines.append("\\\\");
                case '\t' -> lines.append("\\t");
                case '\n' -> lines.append("\\n");
                case '\r' -> lines.append("\\r");
                default -> lines.append(ch);
            }
        }
        return lines;
    }

    private void send() throws SQLException {
        if (lines.length() > 0) {
            byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
            copy.writeToCopy(bytes, 0, bytes.length);
            lines.setLength(0);
        }
    }

    /** A row as stored: its row line without the line end. */
    private static String line(String[] values) {
        String line = RowLines.rowLine(values);
        return line.substring(0, line.length() - 1);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
