package dev.outpost.client.internal.schema;

import java.util.List;

/**
 * A table of the replica, mapped and checked by {@link DerbyTypes#preflight}.
 *
 * @param name the PostgreSQL name
 * @param fingerprint the server's fingerprint of the table
 * @param columns columns in PostgreSQL's order (the order of row values on the wire)
 * @param primaryKey primary-key column names in key order (never empty)
 * @param uniqueKeys unique constraints other than the primary key, each a list of column names
 */
public record ReplicaTable(
        String name,
        String fingerprint,
        List<ReplicaColumn> columns,
        List<String> primaryKey,
        List<List<String>> uniqueKeys) {

    /** Copies the lists. */
    public ReplicaTable {
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
    }
}
