package dev.outpost.server.data;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.SyncScope;
import java.util.stream.Collectors;

/**
 * The SQL of one page: every column of the table (as the caller's grant shows it) as PostgreSQL text,
 * the rows of the grant's filter only (its SQL with placeholders, bound before the cursor's), rows after the cursor's key in key order
 * (a row-value comparison that the primary-key index answers), at most {@code limit} rows, or up to
 * the key of the page's last row found before ({@link #lastKey}). Key
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
        return sql(scope, table, afterCursor, null, false);
    }

    /**
     * @param filter the grant's row filter over {@link #column} references, or {@code null}
     * @param upToLastKey the page ends with the key bound after the cursor's ({@link #lastKey}) instead
     *     of a limit
     */
    static String sql(SyncScope scope, TableSchema table, boolean afterCursor, String filter, boolean upToLastKey) {
        StringBuilder sql = new StringBuilder(allRows(scope, table, filter));
        if (table.primaryKey().isEmpty()) {
            return sql.toString();
        }
        boolean where = filter != null;
        if (afterCursor) {
            sql.append(where ? " and (" : " where (")
                    .append(key(table))
                    .append(") > (")
                    .append(keyParams(table))
                    .append(')');
            where = true;
        }
        if (upToLastKey) {
            sql.append(where ? " and (" : " where (")
                    .append(key(table))
                    .append(") <= (")
                    .append(keyParams(table))
                    .append(')');
            return sql.append(" order by ").append(key(table)).toString();
        }
        return sql.append(" order by ").append(key(table)).append(" limit ?").toString();
    }

    /**
     * The key (as text) of the page's last row and of the row after it: the rows at position {@code ?}
     * (the limit, bound as an offset of limit - 1) and one further after the cursor. Without the second
     * row the page is the table's last, full or not. The primary-key index answers it without reading
     * the rows.
     */
    static String lastKey(TableSchema table, SyncScope scope, boolean afterCursor, String filter) {
        String keyText =
                table.primaryKey().stream().map(k -> "t." + quote(k) + "::text").collect(Collectors.joining(", "));
        StringBuilder sql = new StringBuilder("select ")
                .append(keyText)
                .append(" from ")
                .append(scope.sql(table))
                .append(" t");
        if (filter != null) {
            sql.append(" where ").append(filter);
        }
        if (afterCursor) {
            sql.append(filter != null ? " and (" : " where (")
                    .append(key(table))
                    .append(") > (")
                    .append(keyParams(table))
                    .append(')');
        }
        return sql.append(" order by ")
                .append(key(table))
                .append(" offset ? limit 2")
                .toString();
    }

    /** The key columns, qualified, so that ORDER BY sorts by the column itself, not by the selected text of the same name. */
    private static String key(TableSchema table) {
        return table.primaryKey().stream().map(k -> "t." + quote(k)).collect(Collectors.joining(", "));
    }

    /** One text parameter per key column, cast to the column's type. */
    private static String keyParams(TableSchema table) {
        return table.primaryKey().stream()
                .map(k -> "cast(cast(? as text) as " + quote(typeOf(table, k)) + ")")
                .collect(Collectors.joining(", "));
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
