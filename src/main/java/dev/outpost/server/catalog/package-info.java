/**
 * The synced tables as data, read from PostgreSQL's catalog so that any Liquibase-managed schema
 * works, not only ours: columns (type, length, precision, scale, nullability; defaults ignored),
 * primary key, unique constraints and foreign keys, each table with a fingerprint, its row shape (the
 * columns its change rows carry, {@link dev.outpost.server.catalog.RowShape}) and whether the change
 * feed follows it; and which tables are synced ({@link dev.outpost.server.catalog.SyncScope}).
 *
 * <p>Synced by default: every base table and partitioned parent of the configured schema, except
 * Liquibase's own two tables; partitions are not listed (their rows are read through the parent).
 * This package reads; it depends on no other package of the server.
 */
package dev.outpost.server.catalog;
