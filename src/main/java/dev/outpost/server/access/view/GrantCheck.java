package dev.outpost.server.access.view;

import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.filter.FilterCompiler;
import dev.outpost.server.access.filter.FilterCompiler.CompiledFilter;
import dev.outpost.server.catalog.SyncScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Map;

/**
 * The checks a grant passes before it is saved, each failure an {@link InvalidGrantException} naming
 * the field: {@link #validate} against the table's catalog (the granted columns exist and include the
 * primary key, the filter parses, its columns exist, its parameters are attributes of the token), then
 * {@link #checkValues} against PostgreSQL (the filter's literals and parameter values fit their
 * columns' types, and its comparisons exist for those types).
 */
public final class GrantCheck {
    private GrantCheck() {}

    /**
     * Checks a grant against its table as the catalog describes it.
     *
     * @param table the synced table, from {@code SyncedSchema.table(name)}
     * @param attributes the attributes of the token the grant is for
     * @return the table as the grant shows it
     */
    public static ScopedTable validate(TableGrant grant, TableSchema table, Map<String, List<String>> attributes) {
        return ScopedTable.of(table, grant, scope(grant, attributes), (t, c) -> false);
    }

    /**
     * Runs the grant's filter once against the table, reading no row, and once over typed nulls, which
     * makes PostgreSQL convert every literal and parameter value to its column's type: a value that
     * does not fit ({@code amount > 'many'}) or a comparison the type lacks is refused now rather than
     * when a replica syncs. Runs inside a savepoint when the connection is in a transaction.
     */
    public static void checkValues(
            Connection connection,
            SyncScope syncScope,
            TableGrant grant,
            TableSchema table,
            Map<String, List<String>> attributes)
            throws SQLException {
        ScopedTable scoped = validate(grant, table, attributes);
        if (!scoped.filtered()) {
            return;
        }
        Map<String, String> types = ScopedTable.columnTypes(table);
        CompiledFilter onTable =
                scoped.filter(c -> "t." + FilterCompiler.quote(c)).orElseThrow();
        CompiledFilter onNulls = scoped.filter(c -> "cast(null as " + FilterCompiler.quote(types.get(c)) + ")")
                .orElseThrow();
        run(connection, "select 1 from " + syncScope.sql(table) + " t where " + onTable.sql() + " limit 0", onTable);
        run(connection, "select " + onNulls.sql(), onNulls);
    }

    private static void run(Connection connection, String sql, CompiledFilter filter) throws SQLException {
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < filter.binds().size(); i++) {
                ps.setString(i + 1, filter.binds().get(i));
            }
            ps.executeQuery().close();
        } catch (SQLException e) {
            if (savepoint != null) {
                connection.rollback(savepoint);
            }
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            // 22: a value does not fit its type; 42: no such operator or type for it
            if (state.startsWith("22") || state.startsWith("42")) {
                throw new InvalidGrantException(
                        InvalidGrantException.ROW_FILTER,
                        "PostgreSQL cannot evaluate the filter on this table: " + firstLine(e.getMessage()),
                        e);
            }
            throw e;
        }
        if (savepoint != null) {
            connection.releaseSavepoint(savepoint);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static AccessScope scope(TableGrant grant, Map<String, List<String>> attributes) {
        return new AccessScope(false, Map.of(grant.table(), grant), attributes);
    }
}
