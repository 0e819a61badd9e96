package dev.outpost.server.admin;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.Overview;
import dev.outpost.server.changes.FeedStatusReader;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.version.ChangelogReader;
import dev.outpost.server.version.RecentVersion;
import dev.outpost.server.version.ReleaseTables;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/** {@code GET /api/admin/overview}: the live version, the change feed and the releases, for the console. */
@Path(AdminPaths.ADMIN + "/" + AdminPaths.OVERVIEW)
@RequestScoped
public class OverviewResource {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    @Inject
    private RecentVersion versions;

    @Inject
    private FeedStatusReader feed;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Overview overview() throws SQLException {
        FeedStatusReader.Activity activity = feed.activity();
        try (Connection connection = dataSource.getConnection()) {
            Map<String, ReleaseTables.Changes> changes = ReleaseTables.changes(connection);
            List<Overview.Release> releases = new ChangelogReader(settings.schema())
                    .releases(connection).stream()
                            .map(r -> {
                                ReleaseTables.Changes changed = r.tag() == null ? null : changes.get(r.tag());
                                return changed == null ? r : r.withChangedTables(changed.changedTables());
                            })
                            .toList();
            return new Overview(
                    versions.live(), feed.read(), releases, activity.capturingInstance(), activity.changesPerSecond());
        }
    }
}
