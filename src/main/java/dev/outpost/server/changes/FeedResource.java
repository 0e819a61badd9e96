package dev.outpost.server.changes;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.SyncPaths;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;

/**
 * {@code GET /api/sync/feed}: whether the change feed runs ({@code capturing} or {@code snapshot-only},
 * with the reason), its bounds and the replication slot's lag.
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.FEED)
@RequestScoped
public class FeedResource {
    @Inject
    private FeedStatusReader feed;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public FeedStatus status() throws SQLException {
        return feed.read();
    }
}
