package dev.outpost.client.internal.feed;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.load.RowBinder;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads a table the change feed does not follow (no primary key, a generated column, a partitioned
 * table) again from the server, in place, in one Derby transaction: its old rows are deleted and the
 * new ones inserted, streamed page by page, and committed together, so readers see the old rows or
 * the new ones, with the table's {@link Quarantine} entries replaced in the same transaction. Any
 * failure rolls back to the old rows.
 */
final class SnapshotRefresh {
    private static final int BATCH_ROWS = 1_000;

    private SnapshotRefresh() {}

    /** Reloads {@code table}; returns its rows. */
    static long reload(ReplicaSource source, Connection c, ReplicaTable table) {
        List<String> names = new ArrayList<>();
        table.columns().forEach(column -> names.add(Identifiers.sql(column.name())));
        if (table.hasRowNumber()) {
            names.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
        }
        List<String> parameters = new ArrayList<>();
        table.columns().forEach(column -> parameters.add(RowBinder.parameter(column)));
        if (table.hasRowNumber()) {
            parameters.add("?");
        }
        String sql = "insert into " + table.sqlName()
                + names.stream().collect(Collectors.joining(", ", " (", ")"))
                + parameters.stream().collect(Collectors.joining(", ", " values (", ")"));
        RowBinder binder = new RowBinder(table.name());
        List<Quarantine.Entry> refused = new ArrayList<>();
        long[] rows = {0};
        try {
            c.setAutoCommit(false);
            try (Statement delete = c.createStatement();
                    PreparedStatement insert = c.prepareStatement(sql)) {
                delete.executeUpdate("delete from " + table.sqlName());
                Quarantine.clear(c, table.name());
                for (ReplicaColumn column : table.columns()) {
                    if (column.kind().refusesSomeValues() && !table.primaryKey().contains(column.name())) {
                        Quarantine.allowNull(c, table, column.name());
                    }
                }
                String after = null;
                do {
                    RowLines.End end = source.page(table.name(), after, SyncPaths.MAX_PAGE_ROWS, lines -> {
                        try {
                            long pageRows = 0;
                            for (String line; (line = lines.readLine()) != null; ) {
                                RowLines.Line parsed = RowLines.parse(line);
                                if (parsed instanceof RowLines.End pageEnd) {
                                    if (pageEnd.rows() != pageRows) {
                                        throw protocolError(
                                                table,
                                                "the page counts " + pageEnd.rows() + " rows but " + pageRows
                                                        + " arrived");
                                    }
                                    insert.executeBatch();
                                    Quarantine.add(c, table.name(), refused);
                                    refused.clear();
                                    return pageEnd;
                                }
                                String[] values = ((RowLines.Row) parsed).values();
                                long rowNumber = rows[0] + 1;
                                binder.bind(insert, 1, table.columns(), values, (column, text) -> {
                                    if (table.primaryKey().contains(column.name())) {
                                        throw new OutpostException(
                                                ErrorCode.SCHEMA_UNSUPPORTED,
                                                "Table " + table.name() + ": key column " + column.name() + " holds '"
                                                        + text + "', a value Derby cannot hold");
                                    }
                                    refused.add(new Quarantine.Entry(
                                            Quarantine.key(table, values, rowNumber), column.name(), text));
                                });
                                if (table.hasRowNumber()) {
                                    insert.setLong(table.columns().size() + 1, rows[0] + 1);
                                }
                                insert.addBatch();
                                rows[0]++;
                                if (++pageRows % BATCH_ROWS == 0) {
                                    insert.executeBatch();
                                }
                            }
                            throw protocolError(table, "the page ended without its end marker (truncated)");
                        } catch (IOException e) {
                            throw new OutpostException(
                                    ErrorCode.SERVER_UNREACHABLE,
                                    "Connection lost while reloading " + table.name() + ": " + e.getMessage(),
                                    e);
                        } catch (SQLException e) {
                            throw new OutpostException(
                                    ErrorCode.REPLICA_ERROR,
                                    "Cannot reload " + table.name() + ": " + e.getMessage(),
                                    e);
                        } catch (IllegalArgumentException e) {
                            throw protocolError(table, e.getMessage());
                        }
                    });
                    after = end.next();
                } while (after != null);
            }
            c.commit();
            return rows[0];
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the failure below matters more; an uncommitted reload is never kept
            }
            if (e instanceof OutpostException o) {
                throw o;
            }
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot reload " + table.name() + ": " + e.getMessage(), e);
        }
    }

    private static OutpostException protocolError(ReplicaTable table, String message) {
        return new OutpostException(
                ErrorCode.PROTOCOL_ERROR, "Bad row page for table " + table.name() + ": " + message);
    }
}
