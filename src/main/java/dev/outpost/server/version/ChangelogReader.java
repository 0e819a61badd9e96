package dev.outpost.server.version;

import dev.outpost.protocol.ChangeSetInfo;
import dev.outpost.protocol.Overview;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads Liquibase's history table with plain JDBC. Works for any Liquibase-managed database: tags
 * are optional, and a database Liquibase never touched reads as "no tag, no changeset".
 *
 * <p>Order is {@code orderexecuted}, Liquibase's monotonic counter across deployments; checksums are
 * never used as a version (their format changed between Liquibase releases).
 */
public final class ChangelogReader {
    /** What the history says: the latest tag ({@code null} if none) and the latest changeset. */
    public record ChangelogState(String tag, ChangeSetInfo latestChangeSet) {}

    private final String schema;

    /** @param schema the schema holding {@code databasechangelog} */
    public ChangelogReader(String schema) {
        this.schema = schema;
    }

    public ChangelogState read(Connection connection) throws SQLException {
        String table = historyTable(connection);
        if (table == null) {
            return new ChangelogState(null, null);
        }
        return new ChangelogState(latestTag(connection, table), latestChangeSet(connection, table));
    }

    /** The history by release, the newest first: each tag with the changesets run up to it since the last. */
    public List<Overview.Release> releases(Connection connection) throws SQLException {
        String table = historyTable(connection);
        List<Overview.Release> releases = new ArrayList<>();
        if (table == null) {
            return releases;
        }
        try (PreparedStatement ps = connection.prepareStatement(
                        "select tag, dateexecuted from " + table + " order by orderexecuted");
                ResultSet rs = ps.executeQuery()) {
            int changeSets = 0;
            String executed = null;
            while (rs.next()) {
                changeSets++;
                Timestamp at = rs.getTimestamp(2);
                executed = at == null ? null : at.toLocalDateTime().toString();
                if (rs.getString(1) != null) {
                    releases.add(new Overview.Release(rs.getString(1), changeSets, executed, null));
                    changeSets = 0;
                }
            }
            if (changeSets > 0) {
                releases.add(new Overview.Release(null, changeSets, executed, null));
            }
        }
        Collections.reverse(releases);
        return releases;
    }

    private String historyTable(Connection connection) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement("select to_regclass(quote_ident(?) || '.databasechangelog')::text")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static String latestTag(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                        "select tag from " + table + " where tag is not null order by orderexecuted desc limit 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static ChangeSetInfo latestChangeSet(Connection connection, String table) throws SQLException {
        try (PreparedStatement ps =
                        connection.prepareStatement("select id, author, filename, orderexecuted, dateexecuted from "
                                + table
                                + " order by orderexecuted desc limit 1");
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            Timestamp executed = rs.getTimestamp(5);
            return new ChangeSetInfo(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getLong(4),
                    executed == null ? null : executed.toLocalDateTime().toString());
        }
    }
}
