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
 * @param fingerprint changes whenever anything here changes
 * @param shape the row shape of the table's changes: a fingerprint of the columns a change row carries
 *     (names, type oids, type modifiers, in order); a change whose {@link ChangeLines.Change#shape()}
 *     differs was captured under another definition of the table
 * @param followed whether the change feed carries this table's changes (it is published and has a
 *     primary key, and capture is running); a table that is not followed is only current as of its
 *     last snapshot
 */
public record TableSchema(
        String name,
        List<ColumnSchema> columns,
        List<String> primaryKey,
        List<List<String>> uniqueConstraints,
        List<ForeignKeySchema> foreignKeys,
        String fingerprint,
        String shape,
        boolean followed) {}
