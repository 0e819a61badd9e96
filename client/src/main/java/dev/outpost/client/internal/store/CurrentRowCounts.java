package dev.outpost.client.internal.store;

import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.internal.schema.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rows each table of a replica holds now: the metadata records the rows of each table's last
 * download, while the change feed and the reloads of unfollowed tables change them after it. Counted
 * without row locks ({@code WITH UR}), so that a count never waits for a sync's transaction; a table
 * that cannot be counted (a damaged replica) keeps its recorded count.
 */
final class CurrentRowCounts {
    private static final Logger LOG = LoggerFactory.getLogger(CurrentRowCounts.class);

    private CurrentRowCounts() {}

    /** {@code local} with each table's current row count. */
    static ReplicaStatus.Local of(Connection c, ReplicaStatus.Local local) throws SQLException {
        List<ReplicaStatus.Table> tables = new ArrayList<>();
        for (ReplicaStatus.Table table : local.tables()) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select count(*) from " + sqlName(c, table.name()) + " with ur")) {
                rs.next();
                tables.add(new ReplicaStatus.Table(table.name(), table.fingerprint(), rs.getLong(1)));
            } catch (SQLException e) {
                LOG.warn(
                        "Cannot count the rows of {} (showing those of its last download): {}",
                        table.name(),
                        e.getMessage());
                tables.add(table);
            }
        }
        return new ReplicaStatus.Local(
                local.tag(),
                local.schemaFingerprint(),
                local.latestChangeSet(),
                local.syncedAt(),
                tables,
                local.database(),
                local.feedPosition());
    }

    /**
     * A protocol table name as Derby SQL: {@code schema.table} for a table of another schema (whose
     * Derby schema exists), else the name of a table of Derby's default schema.
     */
    private static String sqlName(Connection c, String name) throws SQLException {
        int dot = name.indexOf('.');
        if (dot > 0) {
            String schema = name.substring(0, dot);
            try (PreparedStatement ps =
                    c.prepareStatement("select count(*) from SYS.SYSSCHEMAS where SCHEMANAME = ?")) {
                ps.setString(1, Identifiers.catalogName(schema));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return Identifiers.sql(schema) + "." + Identifiers.sql(name.substring(dot + 1));
                    }
                }
            }
        }
        return Identifiers.sql(name);
    }
}
