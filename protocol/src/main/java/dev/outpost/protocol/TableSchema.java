package dev.outpost.protocol;

import java.util.List;

/**
 * One synced table: its columns in PostgreSQL's order, keys and a fingerprint of all of it.
 *
 * @param name table name exactly as in PostgreSQL
 * @param columns columns in ordinal order
 * @param primaryKey primary-key columns in key order (rows are paged in this order)
 * @param uniqueConstraints unique constraints, each a list of columns
 * @param foreignKeys foreign keys
 * @param fingerprint changes whenever anything above changes
 */
public record TableSchema(
        String name,
        List<ColumnSchema> columns,
        List<String> primaryKey,
        List<List<String>> uniqueConstraints,
        List<ForeignKeySchema> foreignKeys,
        String fingerprint) {}
