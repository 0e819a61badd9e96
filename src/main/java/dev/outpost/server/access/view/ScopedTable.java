package dev.outpost.server.access.view;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.ForeignKeySchema;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.filter.FilterCompiler;
import dev.outpost.server.access.filter.FilterCompiler.CompiledFilter;
import dev.outpost.server.access.filter.FilterException;
import dev.outpost.server.access.filter.RowFilter;
import dev.outpost.server.catalog.Fingerprints;
import dev.outpost.server.problem.ProblemException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * One synced table as a grant lets a caller see it: its granted columns ({@link #view()}, what pages,
 * digests and changes carry) and its row filter ({@link #filter}). A restricted view has a fingerprint
 * and, with a column list, a row shape of its own, both derived from the table's and from the grant
 * (columns, filter text, the values of the attributes the filter uses): a changed grant looks like a
 * changed definition of that table, and its replicas rebuild it.
 */
public final class ScopedTable {
    private final TableSchema full;
    private final TableSchema view;
    private final RowFilter filter;
    private final Map<String, List<String>> attributes;

    private ScopedTable(TableSchema full, TableSchema view, RowFilter filter, Map<String, List<String>> attributes) {
        this.full = full;
        this.view = view;
        this.filter = filter;
        this.attributes = attributes;
    }

    /**
     * The answer to a table that is not synced, or that the caller may not see: the same in both
     * cases, so that an answer never tells whether a table exists.
     */
    public static ProblemException unknownTable(String name) {
        return new ProblemException(ProblemType.UNKNOWN_TABLE, "no synced table named '" + name + "'");
    }

    /**
     * The caller's grant on a table, or the very problem an unknown table gets (no existence oracle).
     * Decided from the scope alone, before the catalog is read.
     */
    public static TableGrant require(String table, AccessScope scope) {
        return scope.grant(table).orElseThrow(() -> unknownTable(table));
    }

    /**
     * The table narrowed to the grant, for a page, digest or change of that table alone: like {@link
     * #of(TableSchema, TableGrant, AccessScope, BiPredicate)} but a grant that no longer fits the table
     * (a granted column or a key column dropped since, an attribute gone) is the unknown-table problem.
     * Foreign keys are not judged here (pages, digests and changes do not carry them).
     */
    public static ScopedTable require(TableSchema full, TableGrant grant, AccessScope scope) {
        try {
            return of(full, grant, scope, (table, columns) -> true);
        } catch (InvalidGrantException e) {
            throw unknownTable(full.name());
        }
    }

    /**
     * The table as the grant shows it.
     *
     * @param referenceVisible whether a foreign key's referenced table and columns are visible to the
     *     caller; a foreign key is shown only then and when its own columns are granted
     * @throws InvalidGrantException when the grant does not fit the table: a column it lists is not in
     *     the table, the primary key is not granted whole, or the filter does not parse or compile
     */
    public static ScopedTable of(
            TableSchema full, TableGrant grant, AccessScope scope, BiPredicate<String, List<String>> referenceVisible) {
        if (!grant.table().equals(full.name())) {
            throw new InvalidGrantException(InvalidGrantException.TABLE, "the grant is for another table");
        }
        Map<String, List<String>> attributes = scope.attributes();
        RowFilter filter = null;
        if (grant.rowFilter().isPresent()) {
            try {
                filter = RowFilter.parse(grant.rowFilter().get());
                FilterCompiler.compile(filter, columnTypes(full), FilterCompiler::quote, attributes);
            } catch (FilterException e) {
                throw new InvalidGrantException(InvalidGrantException.ROW_FILTER, e.getMessage(), e);
            }
        }
        List<ColumnSchema> columns = full.columns();
        Set<String> granted = new HashSet<>();
        if (grant.columns().isPresent()) {
            Set<String> names = new HashSet<>(columnTypes(full).keySet());
            for (String c : grant.columns().get()) {
                if (!names.contains(c)) {
                    throw new InvalidGrantException(
                            InvalidGrantException.COLUMNS, "the table has no column \"" + c + "\"");
                }
            }
            granted.addAll(grant.columns().get());
            if (full.primaryKey().isEmpty()) {
                throw new InvalidGrantException(
                        InvalidGrantException.COLUMNS,
                        "a table without a primary key can only be granted without a column list");
            }
            for (String k : full.primaryKey()) {
                if (!granted.contains(k)) {
                    throw new InvalidGrantException(
                            InvalidGrantException.COLUMNS, "the primary key column \"" + k + "\" must be granted");
                }
            }
            columns = columns.stream().filter(c -> granted.contains(c.name())).toList();
        } else {
            columns.forEach(c -> granted.add(c.name()));
        }
        List<List<String>> uniques =
                full.uniqueConstraints().stream().filter(granted::containsAll).toList();
        List<ForeignKeySchema> foreignKeys = full.foreignKeys().stream()
                .filter(f -> granted.containsAll(f.columns())
                        && referenceVisible.test(f.referencedTable(), f.referencedColumns()))
                .toList();
        if (grant.columns().isEmpty()
                && filter == null
                && foreignKeys.size() == full.foreignKeys().size()) {
            return new ScopedTable(full, full, null, attributes); // the whole table, as it is
        }
        List<String> parts = new ArrayList<>();
        parts.add(full.fingerprint());
        parts.add("columns " + grant.columns().map(List::toString).orElse("*"));
        parts.add(filter == null ? null : filter.text());
        if (filter != null) {
            for (String p : filter.parameters()) {
                parts.add("param " + p);
                parts.addAll(attributes.get(p));
            }
        }
        foreignKeys.forEach(f -> parts.add("fk " + f.name()));
        String shape = grant.columns().isEmpty()
                ? full.shape()
                : Fingerprints.of(full.shape(), "columns " + grant.columns().get());
        TableSchema view = new TableSchema(
                full.name(),
                full.schema(),
                List.copyOf(columns),
                full.primaryKey(),
                uniques,
                foreignKeys,
                Fingerprints.of(parts.toArray(String[]::new)),
                shape,
                full.followed());
        return new ScopedTable(full, view, filter, attributes);
    }

    /** The table as the catalog describes it. */
    public TableSchema full() {
        return full;
    }

    /** The table as the caller sees it: granted columns only, its own fingerprint and shape. */
    public TableSchema view() {
        return view;
    }

    /** Whether only some columns are granted. */
    public boolean columnsRestricted() {
        return view.columns().size() != full.columns().size();
    }

    /** Whether only the rows of a filter are granted. */
    public boolean filtered() {
        return filter != null;
    }

    /**
     * The row filter compiled over columns read by {@code columnSql} (any column of the table, granted
     * or not), or empty for every row.
     */
    public Optional<CompiledFilter> filter(Function<String, String> columnSql) {
        return filter == null
                ? Optional.empty()
                : Optional.of(FilterCompiler.compile(filter, columnTypes(full), columnSql, attributes));
    }

    /** Every column of the table with its type name, in table order. */
    public static Map<String, String> columnTypes(TableSchema table) {
        Map<String, String> types = new LinkedHashMap<>();
        table.columns().forEach(c -> types.put(c.name(), c.type()));
        return types;
    }
}
