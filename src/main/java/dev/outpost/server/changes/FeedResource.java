package dev.outpost.server.changes;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@code GET /api/sync/feed}: whether the change feed runs ({@code capturing} or {@code snapshot-only},
 * with the reason), its bounds and the replication slot's lag.
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.FEED)
@RequestScoped
public class FeedResource {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public FeedStatus status() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return ChangeLog.status(connection, settings.captureEnabled());
        }
    }
}
