package dev.outpost.client.internal.schema;

import java.util.List;

/**
 * A table of the replica, mapped and checked by {@link DerbyTypes#preflight}.
 *
 * @param name the table's name in the protocol ({@link dev.outpost.protocol.TableSchema#name()}): the
 *     PostgreSQL name for a table of the server's home schema, else {@code schema.table}
 * @param schema {@code null} for a table of the server's home schema, which lives in Derby's default
 *     schema; else the table's PostgreSQL schema, which is also its Derby schema (same quoting rule)
 * @param fingerprint the server's fingerprint of the table
 * @param columns columns in PostgreSQL's order (the order of row values on the wire)
 * @param primaryKey primary-key column names in key order; empty for a table without one, which then
 *     gets the extra identity column {@value #ROW_NUMBER_COLUMN} (the row's position in the download)
 * @param uniqueKeys unique constraints other than the primary key, each a list of column names (indexed
 *     in the replica, not enforced: see the package description)
 * @param shape the server's row shape of the table ({@link dev.outpost.protocol.TableSchema#shape()})
 * @param followed whether the server's change feed carries the table's changes
 */
public record ReplicaTable(
        String name,
        String schema,
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

    /** The table's own name, without its schema. */
    public String tableName() {
        return schema == null ? name : name.substring(schema.length() + 1);
    }

    /** The table as written in Derby SQL: {@code name}, or {@code schema.name}, each by {@link Identifiers#sql}. */
    public String sqlName() {
        return schema == null ? Identifiers.sql(name) : Identifiers.sql(schema) + '.' + Identifiers.sql(tableName());
    }

    /** Whether the replica numbers the rows itself ({@link #ROW_NUMBER_COLUMN}). */
    public boolean hasRowNumber() {
        return primaryKey.isEmpty();
    }
}
