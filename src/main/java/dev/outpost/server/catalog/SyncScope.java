package dev.outpost.server.catalog;

import dev.outpost.protocol.TableSchema;
import java.util.List;
import java.util.Set;

/**
 * Which PostgreSQL tables a server syncs, and what they are called in the protocol.
 *
 * <p>Synced are the base and partitioned tables of {@code schemas} (Liquibase's own tables excepted),
 * or, when {@code only} is not empty, just the tables it names. A table of the {@code home} schema
 * (where Liquibase keeps its history) is called by its own name; a table of any other schema is
 * called {@code schema.table} ({@link TableSchema#qualifiedName}). Names in {@code only} are protocol
 * names.
 *
 * @param home the home schema
 * @param schemas the synced schemas, in the configured order
 * @param only protocol names of the synced tables; empty for every table of {@code schemas}
 */
public record SyncScope(String home, List<String> schemas, Set<String> only) {
    /** Liquibase's own tables are never synced. */
    public static final Set<String> LIQUIBASE_TABLES = Set.of("databasechangelog", "databasechangeloglock");

    /** Copies the collections. */
    public SyncScope {
        schemas = List.copyOf(schemas);
        only = Set.copyOf(only);
    }

    /** Every table (or the {@code only} ones) of the home schema alone. */
    public static SyncScope homeOnly(String home, Set<String> only) {
        return new SyncScope(home, List.of(home), only);
    }

    /** The protocol name of a PostgreSQL table. */
    public String name(String schema, String table) {
        return TableSchema.qualifiedName(schema.equals(home) ? null : schema, table);
    }

    /** The {@link TableSchema#schema()} of a table of PostgreSQL schema {@code schema}. */
    public String protocolSchema(String schema) {
        return schema.equals(home) ? null : schema;
    }

    /** Whether the table is synced. */
    public boolean includes(String schema, String table) {
        return schemas.contains(schema)
                && (only.isEmpty() ? !LIQUIBASE_TABLES.contains(table) : only.contains(name(schema, table)));
    }

    /** The PostgreSQL schema a synced table lives in. */
    public String schemaOf(TableSchema table) {
        return table.schema() == null ? home : table.schema();
    }

    /** The table as PostgreSQL SQL: {@code "schema"."table"}, both quoted. */
    public String sql(TableSchema table) {
        return quote(schemaOf(table)) + '.' + quote(table.tableName());
    }

    /** A PostgreSQL quoted identifier. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
