package dev.outpost.client.internal.schema;

import java.util.List;

/**
 * Generates Hibernate's {@code mapping.xml} (orm mapping 7.0) for replica tables: one dynamic entity
 * per table, no entity classes. Entity and attribute names are synthetic ({@code t0}, {@code c0003}) so
 * any table or column name works (columns keep PostgreSQL's order, except that
 * primary-key columns come first, and a table without a primary key gets {@link
 * ReplicaTable#ROW_NUMBER_COLUMN} as its id); table and column names follow {@link Identifiers#mapping}.
 */
final class MappingXml {
    private MappingXml() {}

    /** The mapping document for these tables. */
    public static String of(List<ReplicaTable> tables) {
        StringBuilder b = new StringBuilder(4096)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<entity-mappings xmlns=\"http://www.hibernate.org/xsd/orm/mapping\" version=\"7.0\">\n");
        for (int t = 0; t < tables.size(); t++) {
            entity(b, "t" + t, tables.get(t));
        }
        return b.append("</entity-mappings>\n").toString();
    }

    private static void entity(StringBuilder b, String entityName, ReplicaTable table) {
        b.append("  <entity name=\"")
                .append(entityName)
                .append("\" metadata-complete=\"true\">\n")
                .append("    <table name=\"")
                .append(esc(Identifiers.mapping(table.tableName())))
                .append(table.schema() == null ? "" : "\" schema=\"" + esc(Identifiers.mapping(table.schema())))
                .append("\">\n");
        // the server's unique constraints become plain indexes: see package-info
        for (List<String> unique : table.uniqueKeys()) {
            if (unique.stream().noneMatch(column -> column.indexOf(',') >= 0)) { // a column list is comma-separated
                b.append("      <index column-list=\"")
                        .append(esc(String.join(
                                ", ", unique.stream().map(Identifiers::mapping).toList())))
                        .append("\"/>\n");
            }
        }
        b.append("    </table>\n    <attributes>\n");
        List<ReplicaColumn> columns = table.columns();
        if (table.hasRowNumber()) {
            b.append("      <id name=\"rowNumber\"><column name=\"")
                    .append(Identifiers.mapping(ReplicaTable.ROW_NUMBER_COLUMN))
                    .append("\" nullable=\"false\"/><target>java.lang.Long</target></id>\n");
        }
        for (String key : table.primaryKey()) {
            int i = indexOf(columns, key);
            attribute(b, "id", attributeName(i), columns.get(i));
        }
        for (int i = 0; i < columns.size(); i++) {
            if (!table.primaryKey().contains(columns.get(i).name())) {
                attribute(b, "basic", attributeName(i), columns.get(i));
            }
        }
        b.append("    </attributes>\n  </entity>\n");
    }

    private static void attribute(StringBuilder b, String element, String name, ReplicaColumn c) {
        ColumnKind kind = c.kind();
        b.append("      <")
                .append(element)
                .append(" name=\"")
                .append(name)
                .append("\">")
                .append("<column name=\"")
                .append(esc(Identifiers.mapping(c.name())))
                .append("\" nullable=\"")
                // a value Derby cannot hold is stored as NULL (with its text in the quarantine)
                .append(c.nullable() || (element.equals("basic") && kind.refusesSomeValues()))
                .append('"');
        if (c.length() > 0) {
            b.append(" length=\"").append(c.length()).append('"');
        }
        if (kind == ColumnKind.DECIMAL) {
            b.append(" precision=\"")
                    .append(c.precision())
                    .append("\" scale=\"")
                    .append(c.scale())
                    .append('"');
        }
        b.append("/>");
        b.append("<target>")
                .append(kind.javaType())
                .append("</target>")
                .append("<jdbc-type-code>")
                .append(kind.jdbcType())
                .append("</jdbc-type-code>")
                .append("</")
                .append(element)
                .append(">\n");
    }

    /**
     * Zero-padded, because Hibernate orders a dynamic entity's attributes (and so the table's columns)
     * by name: {@code c0002} before {@code c0010} keeps PostgreSQL's column order.
     */
    private static String attributeName(int index) {
        return String.format("c%04d", index);
    }

    private static int indexOf(List<ReplicaColumn> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }
}
