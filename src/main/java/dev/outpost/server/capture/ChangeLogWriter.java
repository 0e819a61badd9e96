package dev.outpost.server.capture;

import dev.outpost.protocol.RowLines;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Stores one source transaction's changes in the change log, in one local transaction committed when
 * the source transaction's commit arrives. Changes are written as they arrive (batched), so a large
 * source transaction is never held in memory; the one change kept back is the latest, so that it can
 * be marked as the transaction's last.
 */
final class ChangeLogWriter implements AutoCloseable {
    private static final int BATCH = 500;
    private static final int HEADER = 4;

    private final Connection connection;
    private final PreparedStatement insert;
    private long nextPosition;
    private long lastCommitLsn;
    private int batched;
    private String[] pending;
    private long transactionLsn;

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
        this.insert = connection.prepareStatement("insert into " + FeedTables.CHANGE_LOG
                + " (position, commit_lsn, table_name, op, last, shape, vals, old_vals)"
                + " values (?, ?::pg_lsn, ?, ?, ?, ?, ?, ?)");
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
        return pending != null || batched > 0;
    }

    /** Writes the rest of the transaction and commits it: from now on it is durable and readable. */
    void commit(long commitLsn) throws SQLException {
        if (pending != null) {
            write(pending, true);
            pending = null;
        }
        if (batched > 0) {
            insert.executeBatch();
            batched = 0;
        }
        connection.commit();
        lastCommitLsn = Math.max(lastCommitLsn, commitLsn);
    }

    /** Forgets the current transaction (nothing of it was committed). */
    void rollback() throws SQLException {
        pending = null;
        batched = 0;
        insert.clearBatch();
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
        String[] values = new String[change.length - HEADER];
        System.arraycopy(change, HEADER, values, 0, values.length);
        insert.setLong(1, nextPosition++);
        insert.setString(2, LogSequenceNumber.valueOf(transactionLsn).asString());
        insert.setString(3, change[0]);
        insert.setString(4, change[1]);
        insert.setBoolean(5, last);
        insert.setString(6, change[2]);
        insert.setString(7, line(values));
        insert.setString(8, change[3]);
        insert.addBatch();
        if (++batched >= BATCH) {
            insert.executeBatch();
            batched = 0;
        }
    }

    /** A row as stored: its row line without the line end. */
    private static String line(String[] values) {
        String line = RowLines.rowLine(values);
        return line.substring(0, line.length() - 1);
    }

    @Override
    public void close() throws SQLException {
        insert.close();
        connection.close();
    }
}
