package dev.outpost.client.internal.sync;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Tables stored in the shadow database's open transaction and not committed yet: short tables
 * downloaded and kept tables copied, each with its progress, share one commit until they hold {@link
 * #COMMIT_ROWS} rows or something else needs a transaction of its own. A commit per table would make
 * Derby write its log to disk once per table, which dominates the rebuild of many small tables; an
 * interruption loses at most the tables of one group, which the next sync stores again (the shadow
 * is private until it is complete, so nothing sees a table that was not committed).
 */
final class TableGroup {
    /** Rows after which the group is committed. */
    static final long COMMIT_ROWS = 10_000;

    private final Connection connection;
    private long rows;
    private boolean open;

    TableGroup(Connection connection) {
        this.connection = connection;
    }

    /** Adds a table whose rows and progress are in the open transaction; commits once enough rows wait. */
    void add(long tableRows) throws SQLException {
        open = true;
        rows += tableRows;
        if (rows >= COMMIT_ROWS) {
            commit();
        }
    }

    /** Commits the tables added since the last commit, if any. */
    void commit() throws SQLException {
        if (open) {
            connection.commit();
            open = false;
            rows = 0;
        }
    }

    /** Drops the tables added since the last commit (after a failure): the next sync stores them. */
    void rollback() {
        open = false;
        rows = 0;
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the build already failed; what was committed stays for the next sync
        }
    }
}
