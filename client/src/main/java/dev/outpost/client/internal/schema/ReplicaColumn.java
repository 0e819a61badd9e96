package dev.outpost.client.internal.schema;

/**
 * A column of a replica table, mapped and checked by {@link DerbyTypes}.
 *
 * @param name the PostgreSQL name (quote it with {@link Identifiers})
 * @param pgType the PostgreSQL type name, for messages
 * @param kind the Derby type
 * @param length character length for VARCHAR/CHAR/UUID, else 0
 * @param precision DECIMAL precision, else 0
 * @param scale DECIMAL scale, else 0
 * @param nullable whether NULL is allowed
 */
public record ReplicaColumn(
        String name, String pgType, ColumnKind kind, int length, int precision, int scale, boolean nullable) {}
