package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Stores the pages of one table with {@code INSERT ... SELECT} from a table function that reads the
 * pages' lines while Derby inserts them ({@link PageFunction}): either every page with one statement
 * and one commit ({@link #loadAll}, Derby's bulk mode into an empty table), or one statement and one
 * commit per page ({@link #loadPage}). A page is stored only when its end marker arrived and its count
 * matches; a lost connection is taken up again inside the page ({@link PageResume}); otherwise the
 * transaction is rolled back and the load fails. Values Derby cannot hold are
 * stored as NULL and their text in the {@link Quarantine}, in the transaction of their page. Each
 * commit also stores the
 * caller's {@link PageCheckpoint} (the cursor of the next page), so a load page by page resumes after
 * the last committed page; the table is only ever visible in a shadow database until it is complete.
 *
 * <p>In one statement, Derby's bulk mode builds the keys by sorting, at the end. Page by page (only
 * after an interrupted load) the keys are kept up row by row: slower, but that path is the exception,
 * and the table always has the keys Hibernate created for it.
 *
 * <p>The table function is created for the loader ({@link RowFunction}) and dropped again by {@link
 * #close()}.
 */
public final class TableLoader implements AutoCloseable {
    /** Rows per JDBC batch of the local copies of small tables ({@link TableCopier}) and of merges. */
    public static final int BATCH_ROWS = 1000;

    /** Progress is reported every this many rows (and at the end of each page). */
    public static final int PROGRESS_ROWS = 10_000;

    private final Connection connection;
    private final ReplicaTable table;
    private final LongConsumer progress;
    private final PageCheckpoint checkpoint;
    private final RowFunction function;
    private final PreparedStatement insert;
    private long rows;

    /**
     * Creates the table function and prepares the insert; turns auto-commit off.
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
        RowFunction created = null;
        try {
            created = RowFunction.committed(connection, table, PageFunction.class.getName() + ".rows");
            connection.setAutoCommit(false);
            this.insert = created.prepareInsert();
        } catch (SQLException e) {
            if (created != null) {
                created.close();
            }
            throw replicaError("cannot prepare the insert", e);
        }
        this.function = created;
    }

    /**
     * Loads one page and commits it.
     *
     * @param after the cursor the page was asked for with ({@code null}: the table's first page)
     * @param reader the page's lines
     * @param pages asks for the page again after a lost connection ({@link PageResume})
     * @param endArrived told the page's end marker as soon as it was read, on another thread and
     *     before the page is stored (see {@link ReadAhead}); it must not block
     * @return the page's end marker (its {@code next} cursor is {@code null} after the last page)
     * @throws OutpostException {@link ErrorCode#PROTOCOL_ERROR} for a truncated or malformed page,
     *     {@link ErrorCode#SERVER_UNREACHABLE} when reading fails, {@link ErrorCode#REPLICA_ERROR} when
     *     Derby refuses a row
     */
    public RowLines.End loadPage(String after, BufferedReader reader, Pages pages, Consumer<RowLines.End> endArrived) {
        return load(reader, endArrived, resume(after, pages), null);
    }

    /**
     * Loads a table that is empty from its first page to its last with one statement, and commits
     * once. Into an empty table Derby then inserts in its bulk mode: rows are not logged one by one
     * and the keys are built by sorting, a quarter faster than page by page; but nothing is stored
     * until the last page, so an interrupted load starts again (see {@code ShadowBuilder}).
     *
     * @param first the first page's lines
     * @param pages opens the page after each one, on the thread that reads the pages ahead ({@link
     *     ReadAhead}), as soon as the page before has been read, and asks for a page again after a
     *     lost connection ({@link PageResume})
     * @param endArrived as for {@link #loadPage}, for every page
     * @return the last page's end marker
     */
    public RowLines.End loadAll(BufferedReader first, Pages pages, Consumer<RowLines.End> endArrived) {
        long[] read = {rows};
        return load(first, endArrived, resume(null, pages), end -> {
            read[0] += end.rows();
            progress.accept(read[0]); // each page's rows are in, not committed yet
        });
    }

    private PageResume resume(String after, Pages pages) {
        return PageResume.withDefaultPauses(table, after, pages);
    }

    private RowLines.End load(
            BufferedReader reader,
            Consumer<RowLines.End> endArrived,
            PageResume pages,
            Consumer<RowLines.End> pageTaken) {
        String key = function.name() + ":" + rows;
        LongConsumer eachRow = total -> {
            if (total % PROGRESS_ROWS == 0) {
                progress.accept(total);
            }
        };
        ReadAhead ahead = new ReadAhead(reader, table, rows, endArrived, pages, pageTaken);
        PageFunction.Page page = PageFunction.open(key, ahead, rows, eachRow);
        try {
            insert.setString(1, key);
            long inserted = insert.executeLargeUpdate();
            RowLines.End end = page.end();
            if (end == null || inserted != page.rows()) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR,
                        "Table " + table.name() + ": " + inserted + " rows stored of " + page.rows() + " read");
            }
            Quarantine.add(connection, table.name(), ahead.quarantined());
            rows += inserted;
            checkpoint.beforeCommit(end, rows);
            connection.commit();
            progress.accept(rows);
            return end;
        } catch (SQLException e) {
            rollback();
            if (page.failure() != null) {
                throw page.failure();
            }
            throw replicaError("cannot store a row", e);
        } catch (OutpostException e) {
            rollback();
            throw e;
        } finally {
            page.close();
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
        } finally {
            function.close();
        }
    }

    /** The pages of the table being loaded, asked for on the thread that reads them ({@link ReadAhead}). */
    @FunctionalInterface
    public interface Pages {
        /**
         * The lines of the page after cursor {@code after} ({@code null}: the table's first page); the
         * page opened before is closed.
         *
         * @throws OutpostException when it cannot be had
         */
        BufferedReader open(String after);
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

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the load already failed; what was committed before stays for a resume
        }
    }

    private OutpostException replicaError(String message, SQLException e) {
        return new OutpostException(
                ErrorCode.REPLICA_ERROR, "Table " + table.name() + ": " + message + ": " + e.getMessage(), e);
    }
}
