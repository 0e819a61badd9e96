package dev.outpost.client.internal.sync;

import dev.outpost.client.SyncEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tables stored in the shadow database's open transaction and not committed yet: short tables
 * downloaded and kept tables copied, each with its progress, share one commit until they hold {@link
 * #COMMIT_ROWS} rows or something else needs a transaction of its own. A commit per table would make
 * Derby write its log to disk once per table, which dominates the rebuild of many small tables; an
 * interruption loses at most the tables of one group, which the next sync stores again. A table's
 * events are fired once it is committed, so no listener hears of a table that is not stored.
 */
final class TableGroup {
    /** Rows after which the group is committed. */
    static final long COMMIT_ROWS = 10_000;

    private final Connection connection;
    private final Consumer<SyncEvent> events;
    private final List<SyncEvent> stored = new ArrayList<>();
    private long rows;

    TableGroup(Connection connection, Consumer<SyncEvent> events) {
        this.connection = connection;
        this.events = events;
    }

    /**
     * Adds a table whose rows and progress are in the open transaction; commits the group once it
     * holds enough rows.
     *
     * @param done the events to fire once the table is committed
     */
    void add(long tableRows, SyncEvent... done) throws SQLException {
        stored.addAll(List.of(done));
        rows += tableRows;
        if (rows >= COMMIT_ROWS) {
            commit();
        }
    }

    /** Commits the tables added since the last commit, if any, and fires their events. */
    void commit() throws SQLException {
        if (stored.isEmpty()) {
            return;
        }
        connection.commit();
        List<SyncEvent> committed = List.copyOf(stored);
        stored.clear();
        rows = 0;
        committed.forEach(events);
    }

    /** Drops the tables added since the last commit (after a failure): the next sync stores them. */
    void rollback() {
        stored.clear();
        rows = 0;
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the build already failed; what was committed stays for the next sync
        }
    }
}
