package dev.outpost.server.capture;

import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.SyncScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * A table's replica identity: what PostgreSQL writes to the WAL of a row an update or delete replaced.
 * A table with a filtered grant needs {@code FULL} — the whole old row — so that the feed can tell
 * whether a changed or deleted row was in the filter before ({@code docs/security.md}); capture stores
 * those old rows with each change. Call {@link #requireFull} when a filtered grant is saved, before it
 * takes effect.
 */
public final class ReplicaIdentity {
    private static final String FULL_TABLES = "select n.nspname, c.relname from pg_class c"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " where n.nspname = any(?) and c.relkind in ('r', 'p') and c.relreplident = 'f'";

    private ReplicaIdentity() {}

    /** Sets the table's replica identity to {@code FULL} unless it is already (needs the table's owner). */
    public static void requireFull(Connection connection, SyncScope scope, TableSchema table) throws SQLException {
        if (!fullTables(connection, scope).contains(table.name())) {
            try (Statement st = connection.createStatement()) {
                st.execute("alter table " + scope.sql(table) + " replica identity full");
            }
        }
    }

    /** Protocol names of the synced tables whose replica identity is {@code FULL}. */
    public static Set<String> fullTables(Connection connection, SyncScope scope) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(FULL_TABLES)) {
            ps.setArray(1, connection.createArrayOf("text", scope.schemas().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (scope.includes(rs.getString(1), rs.getString(2))) {
                        names.add(scope.name(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return names;
    }
}
