package dev.outpost.client.internal.feed;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.RequestStopped;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Applies answers of the change feed to the active database. Whole server transactions only: the
 * changes of several consecutive server transactions are applied in one Derby transaction together
 * with the new {@link FeedState} position (a commit at least every {@value #COMMIT_CHANGES} changes
 * and at the end of each answer), so a crash, a broken stream or a bad line rolls back to the end of
 * an earlier server transaction, and the next pull asks from there.
 *
 * <p>Skipped without error: changes of tables the replica does not follow, changes already in a
 * table's snapshot (at or before its snapshot position), and changes made under an older definition
 * of the table (their effect is in the snapshot taken after the definition changed). A change made
 * under a newer definition stops the answer with {@link SchemaMoved}: the replica must migrate first.
 * A change made under an older definition of a table that only gained columns, after the position
 * its held columns were kept from, stops the table's following ({@link #unfollowed()}).
 */
final class ChangeApplier implements AutoCloseable {
    /** Changes after which the Derby transaction is committed at the next server-transaction end. */
    static final int COMMIT_CHANGES = 5_000;

    /** Tells a change made under another table definition apart: older (skip it) or newer. */
    interface Shapes {
        /** Whether {@code shape} is an older definition of {@code table} than the replica's. */
        boolean older(String table, String shape);
    }

    private final Connection connection;
    private final Map<String, ReplicaTable> tables;
    private final FeedState.State state;
    private final Shapes shapes;
    private final Map<String, TableChanges> statements = new HashMap<>();
    private final Set<String> unfollowed = new HashSet<>();
    private long applied;

    /**
     * @param connection a connection to the active database (auto-commit is turned off)
     * @param tables the replica's tables by name
     */
    ChangeApplier(Connection connection, Map<String, ReplicaTable> tables, FeedState.State state, Shapes shapes)
            throws SQLException {
        this.connection = connection;
        this.tables = tables;
        this.state = state;
        this.shapes = shapes;
        connection.setAutoCommit(false);
    }

    /**
     * Tables that stopped following the feed while applying (see {@link FeedFollower.Pull.MustReload}):
     * stored with the position of the answer that stopped them.
     */
    Set<String> unfollowed() {
        return Set.copyOf(unfollowed);
    }

    /** Changes applied (not counting skipped ones) by committed transactions so far. */
    long applied() {
        return applied;
    }

    /**
     * Reads one answer up to its end marker and applies it.
     *
     * @return the end marker; its {@code next} is the position now stored
     */
    RowLines.End apply(BufferedReader lines) {
        long lineCount = 0;
        long uncommitted = 0;
        String committedAt = null;
        String lastPosition = null;
        boolean inTransaction = false;
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                RowLines.Line parsed = RowLines.parse(line);
                if (parsed instanceof RowLines.End end) {
                    if (end.rows() != lineCount) {
                        throw protocolError(
                                "the end marker counts " + end.rows() + " changes but " + lineCount + " arrived");
                    }
                    if (inTransaction) {
                        throw protocolError("the answer ended inside a server transaction");
                    }
                    if (lastPosition != null && !lastPosition.equals(committedAt)) {
                        commit(lastPosition, uncommitted);
                    }
                    return end;
                }
                ChangeLines.Change change = ChangeLines.Change.of(((RowLines.Row) parsed).values());
                lineCount++;
                if (apply(change)) {
                    uncommitted++;
                }
                lastPosition = change.position();
                inTransaction = !change.last();
                if (change.last() && uncommitted >= COMMIT_CHANGES) {
                    commit(lastPosition, uncommitted);
                    committedAt = lastPosition;
                    uncommitted = 0;
                }
            }
            throw protocolError("the answer ended without its end marker (truncated)");
        } catch (IOException e) {
            rollback();
            throw new OutpostException(
                    RequestStopped.codeOf(e), "Connection lost while reading changes: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            rollback();
            throw protocolError(e.getMessage());
        } catch (SQLException e) {
            rollback();
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot apply a change: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollback();
            throw e;
        }
    }

    /** Applies one change; returns whether it was applied rather than skipped. */
    private boolean apply(ChangeLines.Change change) throws SQLException {
        ReplicaTable table = tables.get(change.table());
        FeedState.Table followed =
                unfollowed.contains(change.table()) ? null : state.tables().get(change.table());
        if (table == null || followed == null || position(change) <= followed.snapshotPosition()) {
            return false;
        }
        if (!followed.shape().equals(change.shape())) {
            if (shapes.older(change.table(), change.shape())) {
                if (followed.snapshotPosition() < state.snapshotPosition()) {
                    // a table that kept its held columns from before this database's snapshot while
                    // it gained new ones: the change is missing from them and the new table cannot
                    // take it, so the table stops following the feed and is downloaded whole
                    FeedState.unfollow(connection, change.table());
                    unfollowed.add(change.table());
                }
                return false;
            }
            throw new SchemaMoved("table " + change.table() + " changed its definition on the server");
        }
        TableChanges changes = statements.get(table.name());
        if (changes == null) {
            changes = new TableChanges(connection, table);
            statements.put(table.name(), changes);
        }
        switch (change.op()) {
            case ChangeLines.UPSERT -> changes.upsert(change.values());
            case ChangeLines.DELETE -> changes.delete(change.values());
            default -> changes.truncate();
        }
        return true;
    }

    private void commit(String position, long changes) throws SQLException {
        FeedState.advance(connection, Long.parseLong(position));
        connection.commit();
        applied += changes;
    }

    private static long position(ChangeLines.Change change) {
        try {
            return Long.parseLong(change.position());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a change's position is not a number: " + change.position());
        }
    }

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the failure being reported matters more; nothing uncommitted survives a rollback failure
        }
    }

    private static OutpostException protocolError(String message) {
        return new OutpostException(ErrorCode.PROTOCOL_ERROR, "Bad change feed answer: " + message);
    }

    @Override
    public void close() throws SQLException {
        for (TableChanges changes : statements.values()) {
            changes.close();
        }
    }
}
