package dev.outpost.server.access;

import java.util.List;
import java.util.Optional;

/**
 * One synced table a token may read: all of it, or only some columns, or only the rows a filter
 * admits.
 *
 * @param table the table's protocol name ({@code users}, {@code audit.events})
 * @param columns the granted columns, in the table's order; empty for every column
 * @param rowFilter the row filter as saved (validated when it was saved); empty for every row
 */
public record TableGrant(String table, Optional<List<String>> columns, Optional<String> rowFilter) {
    /** Copies the column list. */
    public TableGrant {
        columns = columns.map(List::copyOf);
    }

    /** The whole table: every column, every row. */
    public static TableGrant whole(String table) {
        return new TableGrant(table, Optional.empty(), Optional.empty());
    }
}
