package dev.outpost.server.changes;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.filter.FilterCompiler;
import dev.outpost.server.access.filter.FilterCompiler.CompiledFilter;
import dev.outpost.server.access.view.InvalidGrantException;
import dev.outpost.server.access.view.ScopedTable;
import dev.outpost.server.capture.FeedTables;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The change log as a scope sees it. PostgreSQL decides, per stored change, what the caller gets
 * ({@code out_op}): nothing for a table it is not granted; for a granted table with a column list or a
 * row filter, nothing for a change captured under another row shape than the table's current one (its
 * columns cannot be mapped; a replica skips older shapes anyway, and a newer one changes the table's
 * fingerprint, which rebuilds it), and otherwise, with a filter evaluated on the stored new values
 * ({@code vals}) and old values ({@code old_vals}, replica identity FULL):
 *
 * <ul>
 *   <li>an upsert whose new row is in the filter: the upsert (an insert, an update within the filter,
 *       a row entering it);
 *   <li>an upsert whose new row is not, but whose old row is known and was: a delete of its key (the
 *       row left the filter);
 *   <li>a delete whose old row is known and was in the filter: the delete;
 *   <li>anything else — in particular an old row that is not known: nothing. A delete is sent only for
 *       a row the caller was entitled to, so no key of a row it may not see reaches it; the price of an
 *       unknown old row is a row that left the filter staying in the replica, which cannot happen while
 *       the table's identity is FULL (a filtered table is not followed otherwise);
 *   <li>a truncate: the truncate.
 * </ul>
 *
 * The filter's values are bind parameters, cast to the column types; a stored value is read as {@code
 * cast(vals::jsonb ->> i as type)} from its text form. Upserts carry only the granted columns, in the
 * table's order, under the granted view's row shape.
 */
final class ScopedFeed {
    private static final String UNRESTRICTED_QUERY = "select position, table_name, op, last, vals, shape, op from "
            + FeedTables.CHANGE_LOG + " where position > ? order by position limit " + ChangePageOutput.CHUNK_ROWS;

    /** One restricted table: its granted view and where its granted and key columns sit in a stored row. */
    private record View(TableSchema view, int[] granted, int[] key) {}

    private final String sql;
    private final List<String> binds;
    private final Map<String, View> views;

    private ScopedFeed(String sql, List<String> binds, Map<String, View> views) {
        this.sql = sql;
        this.binds = List.copyOf(binds);
        this.views = views;
    }

    /** The whole log, every change as stored. */
    static ScopedFeed unrestricted() {
        return new ScopedFeed(UNRESTRICTED_QUERY, List.of(), Map.of());
    }

    /**
     * The log as {@code scope} sees it.
     *
     * @param schema the synced schema as the catalog has it now (every table, every column)
     */
    static ScopedFeed of(AccessScope scope, SchemaInfo schema) {
        if (scope.unrestricted()) {
            return unrestricted();
        }
        StringBuilder outOp = new StringBuilder("case c.table_name");
        List<String> binds = new ArrayList<>();
        Map<String, View> views = new HashMap<>();
        for (TableSchema table : schema.tables()) {
            Optional<TableGrant> grant = scope.grant(table.name());
            if (grant.isEmpty()) {
                continue;
            }
            ScopedTable scoped;
            try {
                scoped = ScopedTable.of(table, grant.get(), scope, (t, c) -> false);
            } catch (InvalidGrantException e) {
                continue; // a grant that no longer fits hides the table (ScopedSchema logs it)
            }
            outOp.append(" when ? then ");
            binds.add(table.name());
            if (!scoped.columnsRestricted() && !scoped.filtered()) {
                outOp.append("c.op");
                continue;
            }
            views.put(table.name(), view(scoped));
            outOp.append("case when c.shape is distinct from ? then null when c.op = 'T' then 'T'");
            binds.add(table.shape());
            Optional<CompiledFilter> after = scoped.filter(c -> stored("c.vals", table, c));
            Optional<CompiledFilter> before = scoped.filter(c -> stored("c.old_vals", table, c));
            if (after.isEmpty() || before.isEmpty()) {
                outOp.append(" else c.op end");
                continue;
            }
            // nested CASEs, not AND: SQL does not promise the order of AND's operands, and the stored values
            // of a delete (its key only) must never be read as the row's columns
            outOp.append(" when c.op = 'U' then case when coalesce(")
                    .append(after.get().sql())
                    .append(", false) then 'U' when c.old_vals is not null then case when coalesce(")
                    .append(before.get().sql())
                    .append(", false) then 'D' end end");
            binds.addAll(after.get().binds());
            binds.addAll(before.get().binds());
            outOp.append(" when c.old_vals is not null then case when coalesce(")
                    .append(before.get().sql())
                    .append(", false) then 'D' end end");
            binds.addAll(before.get().binds());
        }
        if (binds.isEmpty()) {
            return new ScopedFeed(
                    UNRESTRICTED_QUERY.replace(", shape, op from", ", shape, cast(null as text) from"),
                    List.of(),
                    Map.of());
        }
        outOp.append(" end");
        String sql = "select position, table_name, op, last, case when out_op is not null then vals end, shape, out_op"
                + " from (select c.position, c.table_name, c.op, c.last, c.vals, c.shape, " + outOp + " as out_op"
                + " from " + FeedTables.CHANGE_LOG + " c where c.position > ? order by c.position limit "
                + ChangePageOutput.CHUNK_ROWS + ") s order by position";
        return new ScopedFeed(sql, binds, views);
    }

    /** The query of one chunk: {@code position, table_name, op, last, vals, shape, out_op}. */
    String sql() {
        return sql;
    }

    /** Binds the scope's values and the position to read after. */
    void bind(PreparedStatement ps, long after) throws SQLException {
        int p = 1;
        for (String value : binds) {
            ps.setString(p++, value);
        }
        ps.setLong(p, after);
    }

    /**
     * The change the caller gets for a stored one, or {@code null} for none.
     *
     * @param outOp the operation PostgreSQL decided on ({@code null}: nothing)
     * @param values the stored values ({@code vals}): the row of an upsert, the key of a delete
     */
    ChangeLines.Change change(
            String position, String table, String storedOp, String outOp, boolean last, String shape, String[] values) {
        if (outOp == null) {
            return null;
        }
        View view = views.get(table);
        if (view == null) {
            return new ChangeLines.Change(position, table, outOp, last, shape, values);
        }
        String[] out;
        if (outOp.equals(ChangeLines.TRUNCATE)) {
            out = new String[0];
        } else if (outOp.equals(ChangeLines.UPSERT)) {
            out = pick(values, view.granted());
        } else if (storedOp.equals(ChangeLines.UPSERT)) {
            out = pick(values, view.key()); // the row left the filter: its key from the stored row
        } else {
            out = values; // a stored delete holds the key
        }
        return new ChangeLines.Change(position, table, outOp, last, view.view().shape(), out);
    }

    private static String[] pick(String[] values, int[] positions) {
        String[] picked = new String[positions.length];
        for (int i = 0; i < positions.length; i++) {
            picked[i] = values[positions[i]];
        }
        return picked;
    }

    private static View view(ScopedTable scoped) {
        TableSchema full = scoped.full();
        List<String> names = full.columns().stream().map(ColumnSchema::name).toList();
        int[] granted = scoped.view().columns().stream()
                .mapToInt(c -> names.indexOf(c.name()))
                .toArray();
        // a stored delete's key is in column order (the capture's order), so is this one
        int[] key = new int[full.primaryKey().size()];
        int k = 0;
        for (int i = 0; i < names.size(); i++) {
            if (full.primaryKey().contains(names.get(i))) {
                key[k++] = i;
            }
        }
        return new View(scoped.view(), granted, key);
    }

    /** A stored value of a column in its type: {@code cast(vals::jsonb ->> i as type)}. */
    private static String stored(String column, TableSchema table, String name) {
        int index = -1;
        String type = null;
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).name().equals(name)) {
                index = i;
                type = table.columns().get(i).type();
            }
        }
        return "cast((" + column + "::jsonb ->> " + index + ") as " + FilterCompiler.quote(type) + ")";
    }
}
