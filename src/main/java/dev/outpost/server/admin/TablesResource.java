package dev.outpost.server.admin;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.TableInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.changes.FeedStatusReader;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.schema.SyncedSchema;
import dev.outpost.server.version.ReleaseTables;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * {@code GET /api/admin/tables}: every synced table with its estimated rows, size, whether the feed
 * follows it (and why not), and its fingerprint. Sizes come from PostgreSQL's statistics, not from
 * counting: the page stays cheap on large tables.
 */
@Path(AdminPaths.ADMIN + "/" + AdminPaths.TABLES)
@RequestScoped
public class TablesResource {
    private static final String SIZE =
            "select coalesce(c.reltuples, -1)::bigint, pg_total_relation_size(c.oid) from pg_class c where c.oid ="
                    + " to_regclass(?)";

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private SyncedSchema syncedSchema;

    @Inject
    private FeedStatusReader feed;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<TableInfo> tables() throws SQLException {
        List<TableSchema> tables = syncedSchema.read().tables();
        FeedStatus status = feed.read();
        List<TableInfo> infos = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement size = connection.prepareStatement(SIZE)) {
            Map<String, String> lastChanged = ReleaseTables.lastChanged(connection);
            for (TableSchema table : tables) {
                size.setString(1, syncedSchema.scope().sql(table));
                long rows = -1;
                long bytes = 0;
                try (ResultSet rs = size.executeQuery()) {
                    if (rs.next()) {
                        rows = rs.getLong(1);
                        bytes = rs.getLong(2);
                    }
                }
                infos.add(new TableInfo(
                        table.name(),
                        table.columns().size(),
                        rows,
                        bytes,
                        table.followed(),
                        table.followed() ? null : notFollowedBecause(table, status),
                        table.fingerprint(),
                        lastChanged.get(table.name())));
            }
        }
        return infos;
    }

    private static String notFollowedBecause(TableSchema table, FeedStatus status) {
        if (!FeedStatus.CAPTURING.equals(status.mode())) {
            return "the server runs no change feed: " + status.reason();
        }
        if (table.primaryKey() == null || table.primaryKey().isEmpty()) {
            return "it has no primary key, so a change cannot name its row";
        }
        return "the feed does not publish it (a partitioned table, or not yet published)";
    }
}
