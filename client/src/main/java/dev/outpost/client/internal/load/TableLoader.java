package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Inserts the pages of one table, read line by line, with JDBC batches of {@value #BATCH_ROWS} rows
 * and one commit per page. A page is stored only when its end marker arrived and its count matches;
 * otherwise the page is rolled back and the load fails. Each page's commit also stores the caller's
 * {@link PageCheckpoint} (the cursor of the next page), so an interrupted load resumes after the last
 * committed page; the table is only ever visible in a shadow database until it is complete.
 */
public final class TableLoader implements AutoCloseable {
    /** Rows per JDBC batch. */
    public static final int BATCH_ROWS = 1000;

    /** Progress is reported every this many rows (and at the end of each page). */
    public static final int PROGRESS_ROWS = 10_000;

    private final Connection connection;
    private final ReplicaTable table;
    private final LongConsumer progress;
    private final PageCheckpoint checkpoint;
    private final PreparedStatement insert;
    private final DerbyBinder binder = new DerbyBinder();
    private long rows;

    /**
     * Prepares the insert; turns auto-commit off.
     *
     * @param rowsBefore rows of the table stored by an earlier, interrupted load
     * @param checkpoint called in each page's transaction, just before its commit
     * @param progress told the table's row count so far, now and then
     */
    public TableLoader(
            Connection connection,
            ReplicaTable table,
            long rowsBefore,
            PageCheckpoint checkpoint,
            LongConsumer progress) {
        this.connection = connection;
        this.table = table;
        this.rows = rowsBefore;
        this.checkpoint = checkpoint;
        this.progress = progress;
        List<String> names = new ArrayList<>();
        table.columns().forEach(c -> names.add(Identifiers.sql(c.name())));
        if (table.hasRowNumber()) {
            names.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
        }
        String sql = "insert into " + Identifiers.sql(table.name())
                + names.stream().collect(Collectors.joining(", ", " (", ")"))
                + names.stream().map(c -> "?").collect(Collectors.joining(", ", " values (", ")"));
        try {
            connection.setAutoCommit(false);
            this.insert = connection.prepareStatement(sql);
        } catch (SQLException e) {
            throw replicaError("cannot prepare the insert", e);
        }
    }

    /**
     * Loads one page and commits it.
     *
     * @return the page's end marker (its {@code next} cursor is {@code null} after the last page)
     * @throws OutpostException {@link ErrorCode#PROTOCOL_ERROR} for a truncated or malformed page,
     *     {@link ErrorCode#SERVER_UNREACHABLE} when reading fails, {@link ErrorCode#REPLICA_ERROR} when
     *     Derby refuses a row
     */
    public RowLines.End loadPage(BufferedReader reader) {
        long pageRows = 0;
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                RowLines.Line parsed = parse(line);
                if (parsed instanceof RowLines.End end) {
                    if (end.rows() != pageRows) {
                        throw protocolError(
                                "the page's end marker counts " + end.rows() + " rows but " + pageRows + " arrived");
                    }
                    insert.executeBatch();
                    checkpoint.beforeCommit(end, rows);
                    connection.commit();
                    progress.accept(rows);
                    return end;
                }
                bindRow(((RowLines.Row) parsed).values());
                insert.addBatch();
                pageRows++;
                rows++;
                if (pageRows % BATCH_ROWS == 0) {
                    insert.executeBatch();
                }
                if (rows % PROGRESS_ROWS == 0) {
                    progress.accept(rows);
                }
            }
            throw protocolError("the page ended without its end marker after " + pageRows + " rows (truncated)");
        } catch (IOException e) {
            rollback();
            throw new OutpostException(
                    ErrorCode.SERVER_UNREACHABLE,
                    "Connection lost while reading table " + table.name() + ": " + e.getMessage(),
                    e);
        } catch (SQLException e) {
            rollback();
            throw replicaError("cannot store a row", e);
        } catch (OutpostException e) {
            rollback();
            throw e;
        }
    }

    /** Rows stored so far, over all pages. */
    public long rows() {
        return rows;
    }

    @Override
    public void close() {
        try {
            insert.close();
        } catch (SQLException e) {
            throw replicaError("cannot close the insert", e);
        }
    }

    /** Stores where the load got to, in the transaction of the page it describes. */
    @FunctionalInterface
    public interface PageCheckpoint {
        /**
         * Called after a page's rows were inserted and before they are committed.
         *
         * @param end the page's end marker
         * @param rows the table's rows including this page
         */
        void beforeCommit(RowLines.End end, long rows) throws SQLException;
    }

    private RowLines.Line parse(String line) {
        try {
            return RowLines.parse(line);
        } catch (IllegalArgumentException e) {
            throw protocolError(e.getMessage());
        }
    }

    private void bindRow(String[] values) throws SQLException {
        List<ReplicaColumn> columns = table.columns();
        if (values.length != columns.size()) {
            throw protocolError("a row has " + values.length + " values, the table has " + columns.size() + " columns");
        }
        for (int i = 0; i < values.length; i++) {
            ReplicaColumn column = columns.get(i);
            Object value;
            try {
                value = PgText.parse(column.kind(), values[i]);
            } catch (PgText.Unrepresentable e) {
                throw new OutpostException(
                        ErrorCode.SCHEMA_UNSUPPORTED,
                        "Table " + table.name() + ": column " + column.name() + " holds " + e.getMessage()
                                + "; nothing was changed");
            } catch (IllegalArgumentException e) {
                throw protocolError(table.name() + "." + column.name() + " is " + e.getMessage());
            }
            binder.bind(insert, i + 1, column.kind(), value);
        }
        if (table.hasRowNumber()) {
            insert.setLong(values.length + 1, rows + 1);
        }
    }

    private void rollback() {
        try {
            insert.clearBatch();
            connection.rollback();
        } catch (SQLException ignored) {
            // the load already failed; what was committed before stays for a resume
        }
    }

    private OutpostException protocolError(String message) {
        return new OutpostException(
                ErrorCode.PROTOCOL_ERROR, "Bad row page for table " + table.name() + ": " + message);
    }

    private OutpostException replicaError(String message, SQLException e) {
        return new OutpostException(
                ErrorCode.REPLICA_ERROR, "Table " + table.name() + ": " + message + ": " + e.getMessage(), e);
    }
}
