package dev.outpost.server.data;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.SyncScope;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of one page: every column of the table (as the caller's grant shows it) as PostgreSQL text,
 * the rows of the grant's filter only (its SQL with placeholders, bound before the cursor's), rows after the cursor's key in key order
 * (a row-value comparison that the primary-key index answers), at most {@code limit} rows. Key
 * columns are qualified everywhere: an unqualified {@code ORDER BY id} would sort by the selected
 * {@code id::text} output column, i.e. as text. A table without a primary key is one page: every
 * row, in no particular order, without a limit parameter.
 */
final class PageQuery {
    private PageQuery() {}

    /** Every row of the table, every column as text, in no particular order. */
    static String allRows(SyncScope scope, TableSchema table) {
        return allRows(scope, table, null);
    }

    /** Every row the filter admits ({@code null}: every row), every column as text, in no particular order. */
    static String allRows(SyncScope scope, TableSchema table, String filter) {
        String columns = table.columns().stream()
                .map(c -> "t." + quote(c.name()) + "::text")
                .collect(Collectors.joining(", "));
        return "select " + columns + " from " + scope.sql(table) + " t" + (filter == null ? "" : " where " + filter);
    }

    static String sql(SyncScope scope, TableSchema table, boolean afterCursor) {
        return sql(scope, table, afterCursor, null);
    }

    /** @param filter the grant's row filter over {@link #column} references, or {@code null} */
    static String sql(SyncScope scope, TableSchema table, boolean afterCursor, String filter) {
        // qualified, so that ORDER BY sorts by the key column itself, not by the selected text of the same name
        String key = table.primaryKey().stream().map(k -> "t." + quote(k)).collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder(allRows(scope, table, filter));
        if (table.primaryKey().isEmpty()) {
            return sql.toString();
        }
        if (afterCursor) {
            String params = table.primaryKey().stream()
                    .map(k -> "cast(cast(? as text) as " + quote(typeOf(table, k)) + ")")
                    .collect(Collectors.joining(", "));
            sql.append(filter == null ? " where (" : " and (")
                    .append(key)
                    .append(") > (")
                    .append(params)
                    .append(')');
        }
        return sql.append(" order by ").append(key).append(" limit ?").toString();
    }

    /** Positions (0-based) of the key columns among the selected columns. */
    static int[] keyPositions(TableSchema table) {
        List<String> names = table.columns().stream().map(ColumnSchema::name).toList();
        return table.primaryKey().stream().mapToInt(names::indexOf).toArray();
    }

    private static String typeOf(TableSchema table, String column) {
        return table.columns().stream()
                .filter(c -> c.name().equals(column))
                .findFirst()
                .map(ColumnSchema::type)
                .orElseThrow(() -> new IllegalStateException("key column " + column + " not in " + table.name()));
    }

    /** How a filter reads a column of the page's table. */
    static String column(String name) {
        return "t." + quote(name);
    }

    /** A PostgreSQL quoted identifier. */
    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
