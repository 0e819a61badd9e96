package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.RequestStopped;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores a short table, one whose first page is its last and holds at most {@link #MAX_ROWS} rows in
 * at most {@link #MAX_CHARS} characters, with one batched {@code INSERT ... VALUES} in the caller's
 * transaction: so that several short tables can share one commit, and without the {@link
 * TableLoader} path's fixed cost per table (a table function created and dropped, and Derby's bulk
 * mode, which replaces the empty table's files and rebuilds its indexes, all made durable on disk).
 * A long table is better off in the bulk mode; which kind a table is, only its first page tells:
 * {@link #firstPage} reads ahead in the page within those limits and goes back.
 */
public final class ShortTableInsert {
    /** Rows a short table holds at most. */
    public static final int MAX_ROWS = 1000;

    /** Characters of lines a short table's page holds at most (read ahead, then read again). */
    public static final int MAX_CHARS = 256 * 1024;

    private ShortTableInsert() {}

    /** A table's first page, open at its start, and whether it is the whole of a short table. */
    public record FirstPage(BufferedReader lines, boolean isShort) {}

    /**
     * Opens the table's first page and reads ahead in it within the limits to tell whether it is
     * short; a short page is then wholly in the reader's buffer. A connection lost while reading ahead
     * asks for the page again ({@link PageResume}).
     *
     * @throws OutpostException {@link ErrorCode#SERVER_UNREACHABLE} when the page cannot be had
     */
    public static FirstPage firstPage(ReplicaTable table, TableLoader.Pages pages) {
        PageResume resume = PageResume.withDefaultPauses(table, null, pages);
        BufferedReader lines = resume.open(null);
        while (true) {
            try {
                return new FirstPage(lines, isShort(lines));
            } catch (IOException lost) {
                lines = resume.resume(lost);
            }
        }
    }

    /** Whether {@code page}, not read yet, ends its table within the limits; the reader is back at its start. */
    static boolean isShort(BufferedReader page) throws IOException {
        // never read past the mark's limit, or the reader could not go back: a single line may be
        // longer than the limit (a large value)
        page.mark(MAX_CHARS + 1);
        char[] ahead = new char[MAX_CHARS + 1];
        int length = 0;
        try {
            for (int read; length < ahead.length && (read = page.read(ahead, length, ahead.length - length)) > 0; ) {
                length += read;
            }
        } finally {
            page.reset();
        }
        return length <= MAX_CHARS && endsTable(new String(ahead, 0, length));
    }

    /** Whether {@code text}, a whole page, holds at most {@link #MAX_ROWS} rows and the table's last end marker. */
    private static boolean endsTable(String text) {
        int rows = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("[")) {
                if (++rows > MAX_ROWS) {
                    return false;
                }
            } else if (!line.isEmpty()) {
                try {
                    // the end marker (or a malformed line, which the insert reports)
                    return !(RowLines.parse(line) instanceof RowLines.End end) || end.next() == null;
                } catch (IllegalArgumentException e) {
                    return true; // malformed: the insert reports it
                }
            }
        }
        return true; // truncated: the insert reports it
    }

    /**
     * Inserts the rows of {@code page}, a short table's only page, into the empty {@code table}, in
     * the caller's transaction (the caller commits, or rolls back on a failure).
     *
     * @return the page's end marker, whose count matched the rows inserted
     * A value Derby cannot hold is stored as NULL with its text in the {@link Quarantine}, in the same
     * transaction.
     *
     * @throws OutpostException {@link ErrorCode#PROTOCOL_ERROR} for a truncated or malformed page,
     *     {@link ErrorCode#SCHEMA_UNSUPPORTED} for such a value in a key column, {@link
     *     ErrorCode#REPLICA_ERROR} when Derby refuses a row
     */
    public static RowLines.End insert(Connection c, ReplicaTable table, BufferedReader page) {
        List<String> names = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        table.columns().forEach(column -> {
            names.add(Identifiers.sql(column.name()));
            parameters.add(RowBinder.parameter(column));
        });
        if (table.hasRowNumber()) {
            names.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
            parameters.add("?");
        }
        String sql = "insert into " + table.sqlName() + " (" + String.join(", ", names) + ") values ("
                + String.join(", ", parameters) + ")";
        RowBinder binder = new RowBinder(table.name());
        int width = table.columns().size();
        List<Quarantine.Entry> refused = new ArrayList<>();
        try (PreparedStatement insert = c.prepareStatement(sql)) {
            long rows = 0;
            for (String line; (line = page.readLine()) != null; ) {
                RowLines.Line parsed = RowLines.parse(line);
                if (parsed instanceof RowLines.End end) {
                    if (end.rows() != rows) {
                        throw protocolError(
                                table, "the page's end marker counts " + end.rows() + " rows but " + rows + " arrived");
                    }
                    if (rows > 0) {
                        insert.executeBatch();
                    }
                    Quarantine.add(c, table.name(), refused);
                    return end;
                }
                rows++;
                String[] values = ((RowLines.Row) parsed).values();
                long rowNumber = rows;
                binder.bind(insert, 1, table.columns(), values, (column, text) -> {
                    if (table.primaryKey().contains(column.name())) {
                        throw new OutpostException(
                                ErrorCode.SCHEMA_UNSUPPORTED,
                                "Table " + table.name() + ": key column " + column.name() + " holds '" + text
                                        + "', a value Derby cannot hold");
                    }
                    refused.add(new Quarantine.Entry(Quarantine.key(table, values, rowNumber), column.name(), text));
                });
                if (table.hasRowNumber()) {
                    insert.setLong(width + 1, rows);
                }
                insert.addBatch();
            }
            throw protocolError(table, "the page ended without its end marker after " + rows + " rows (truncated)");
        } catch (IllegalArgumentException e) {
            throw protocolError(table, e.getMessage());
        } catch (IOException e) {
            throw new OutpostException(
                    RequestStopped.codeOf(e),
                    "Connection lost while reading table " + table.name() + ": " + e.getMessage(),
                    e);
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Table " + table.name() + ": cannot store a row: " + e.getMessage(), e);
        }
    }

    private static OutpostException protocolError(ReplicaTable table, String message) {
        return new OutpostException(
                ErrorCode.PROTOCOL_ERROR, "Bad row page for table " + table.name() + ": " + message);
    }
}
