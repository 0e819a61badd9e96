package dev.outpost.protocol;

import java.util.List;

/**
 * One synced table: its columns in PostgreSQL's order, keys and a fingerprint of all of it.
 *
 * <p>A server syncs the tables of its <em>home</em> schema and, if configured, of further schemas. A
 * table's {@linkplain #name() name} in the protocol (paths, change lines, fingerprints) is its
 * PostgreSQL name for a table of the home schema, and {@code schema.table} for a table of another
 * schema, which then also names its {@linkplain #schema() schema}.
 *
 * @param name the table's name in the protocol: exactly as in PostgreSQL, qualified by its schema and a
 *     dot when {@code schema} is not {@code null}
 * @param schema the PostgreSQL schema of a table outside the server's home schema, or {@code null} for
 *     a table of the home schema
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
        String schema,
        List<ColumnSchema> columns,
        List<String> primaryKey,
        List<List<String>> uniqueConstraints,
        List<ForeignKeySchema> foreignKeys,
        String fingerprint,
        String shape,
        boolean followed) {

    /** The protocol name of table {@code table} of PostgreSQL schema {@code schema} (null: the home schema). */
    public static String qualifiedName(String schema, String table) {
        return schema == null ? table : schema + "." + table;
    }

    /** The table's own PostgreSQL name, without its schema. */
    public String tableName() {
        return schema == null ? name : name.substring(schema.length() + 1);
    }
}
