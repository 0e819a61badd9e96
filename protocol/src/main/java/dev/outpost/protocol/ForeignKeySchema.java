package dev.outpost.protocol;

import java.util.List;

/**
 * A foreign key of a synced table.
 *
 * @param name constraint name
 * @param columns referencing columns, in key order
 * @param referencedTable the table referred to
 * @param referencedColumns referenced columns, in key order
 */
public record ForeignKeySchema(
        String name, List<String> columns, String referencedTable, List<String> referencedColumns) {}
