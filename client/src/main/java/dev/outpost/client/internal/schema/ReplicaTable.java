package dev.outpost.client.internal.schema;

import java.util.List;

/**
 * A table of the replica, mapped and checked by {@link DerbyTypes#preflight}.
 *
 * @param name the PostgreSQL name
 * @param fingerprint the server's fingerprint of the table
 * @param columns columns in PostgreSQL's order (the order of row values on the wire)
 * @param primaryKey primary-key column names in key order; empty for a table without one, which then
 *     gets the extra identity column {@value #ROW_NUMBER_COLUMN} (the row's position in the download)
 * @param uniqueKeys unique constraints other than the primary key, each a list of column names
 * @param shape the server's row shape of the table ({@link dev.outpost.protocol.TableSchema#shape()})
 * @param followed whether the server's change feed carries the table's changes
 */
public record ReplicaTable(
        String name,
        String fingerprint,
        List<ReplicaColumn> columns,
        List<String> primaryKey,
        List<List<String>> uniqueKeys,
        String shape,
        boolean followed) {

    /** The replica's own key column of a table without a primary key: 1, 2, 3, ... in download order. */
    public static final String ROW_NUMBER_COLUMN = "outpost_row";

    /** Copies the lists. */
    public ReplicaTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
    }

    /** Whether the replica numbers the rows itself ({@link #ROW_NUMBER_COLUMN}). */
    public boolean hasRowNumber() {
        return primaryKey.isEmpty();
    }
}
