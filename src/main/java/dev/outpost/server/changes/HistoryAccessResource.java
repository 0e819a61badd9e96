package dev.outpost.server.changes;

import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.access.CurrentAccess;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;

/**
 * {@code GET /api/sync/changes/access}: a reverse proxy's question "may this request's token read the
 * change feed, and under which key are its cached answers kept?" (nginx's {@code auth_request}). The
 * token is checked as for every sync request (a wrong or revoked one is answered {@code 401} before
 * this runs); the answer is {@code 204} with the caller's {@link HistoryKeys history key} in {@value
 * SyncPaths#HISTORY_KEY_HEADER}. Cheap by design, since it runs for every changes request the proxy
 * answers from its cache: no query of its own.
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.HISTORY_ACCESS)
@ApplicationScoped
public class HistoryAccessResource {
    @Inject
    private CurrentAccess access;

    @Inject
    private HistoryKeys keys;

    @GET
    public Response access() throws SQLException {
        return Response.noContent()
                .header(SyncPaths.HISTORY_KEY_HEADER, keys.of(access.scope()))
                .header("Cache-Control", "no-store")
                .build();
    }
}
