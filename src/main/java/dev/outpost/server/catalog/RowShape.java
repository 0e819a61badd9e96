package dev.outpost.server.catalog;

import java.util.List;

/**
 * The row shape of a table's changes ({@link dev.outpost.protocol.TableSchema#shape()}): a fingerprint
 * of the columns a change row carries — exactly the columns {@code pgoutput}'s Relation message lists
 * (PostgreSQL 17: not dropped, not generated), each with its name, type oid (a domain's own oid, not
 * its base type's) and type modifier, in column order. The capture computes it from the Relation
 * message, the catalog reader from {@code pg_attribute}; both must agree.
 */
public final class RowShape {
    private RowShape() {}

    /** One column as a change row carries it. */
    public record Column(String name, long typeOid, int typeModifier) {}

    /** The shape of rows with these columns, in this order. */
    public static String of(List<Column> columns) {
        String[] parts = new String[columns.size() * 3];
        int i = 0;
        for (Column c : columns) {
            parts[i++] = c.name();
            parts[i++] = Long.toString(c.typeOid());
            parts[i++] = Integer.toString(c.typeModifier());
        }
        return Fingerprints.of(parts);
    }
}
