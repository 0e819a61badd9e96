package dev.outpost.client.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The locking of a replica database ({@link DerbyEngine#configureNew}): a transaction that changes
 * many rows of a table ends up holding one table lock instead of a lock per row, and that escalation
 * never makes it wait for a reader: with a reader holding a row, it keeps its row locks and goes on.
 */
class ReplicaLocksTest {
    private static final int ROWS = 500;
    private static final int UPDATED = 300;

    @TempDir
    Path directory;

    @Test
    void aTransactionChangingManyRowsHoldsATableLockInsteadOfARowLockEach() throws Exception {
        try (DerbyReplicaStore store = DerbyReplicaStore.open(directory);
                Connection writer = filled(store.createShadow())) {
            writer.setAutoCommit(false);
            updateRows(writer, 2, UPDATED);
            assertEquals(1, locks(writer, "TABLE", "X"), "the updated table is locked as a whole");
            assertTrue(
                    locks(writer, "ROW", "X") < 150,
                    "row locks dropped once escalated: " + locks(writer, "ROW", "X") + " held");
            writer.rollback();
        }
    }

    @Test
    void escalationDoesNotWaitForAReaderHoldingARow() throws Exception {
        try (DerbyReplicaStore store = DerbyReplicaStore.open(directory)) {
            DerbyReplicaStore.ShadowDatabase database = store.createShadow();
            try (Connection writer = filled(database);
                    Connection reader = database.connect()) {
                reader.setAutoCommit(false);
                reader.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                try (Statement st = reader.createStatement();
                        ResultSet rs = st.executeQuery("select name from t where id = 1")) {
                    assertTrue(rs.next()); // its shared row lock lasts until the reader's transaction ends
                }
                writer.setAutoCommit(false);
                // Derby's lock wait timeout is 60 s: had the escalation waited for the reader, this would not end in
                // time
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> updateRows(writer, 2, UPDATED));
                assertEquals(UPDATED, locks(writer, "ROW", "X"), "kept a row lock per updated row");
                writer.commit();
                reader.commit();
            }
        }
    }

    private static Connection filled(DerbyReplicaStore.ShadowDatabase database) throws SQLException {
        Connection c = database.connect();
        try (Statement st = c.createStatement()) {
            st.execute("create table t (id int primary key, name varchar(20))");
            st.execute("insert into t select i, 'row' from"
                    + " (select row_number() over () from sys.syscolumns a, sys.syscolumns b) r (i)"
                    + " where i <= " + ROWS);
        }
        return c;
    }

    /** Updates rows {@code first} to {@code first + count - 1}, one statement each, as changes are applied. */
    private static void updateRows(Connection c, int first, int count) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("update t set name = ? where id = ?")) {
            for (int id = first; id < first + count; id++) {
                update.setString(1, "changed " + id);
                update.setInt(2, id);
                assertEquals(1, update.executeUpdate());
            }
        }
    }

    /** Locks of this type and mode held on table {@code T} (only the writer takes exclusive ones). */
    private static int locks(Connection c, String type, String mode) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "select count(*) from syscs_diag.lock_table" + " where tablename = 'T' and type = ? and mode = ?")) {
            ps.setString(1, type);
            ps.setString(2, mode);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
