package dev.outpost.server.version;

import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.http.Revalidated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;

/**
 * {@code GET /api/sync/version}: the latest tag and changeset plus schema fingerprints, with an ETag;
 * the fingerprints and the ETag are those of the caller's scope ({@link VersionSnapshot#scoped}).
 *
 * <p>Answers from {@link RecentVersion}: a version read at most {@value dev.outpost.server.config.OutpostSettings#VERSION_MAX_AGE_MS}
 * (default 1 s) before the request arrived, so that the common case — a replica revalidating an
 * unchanged version, answered {@code 304} — costs no database round trip. A request whose {@code
 * If-None-Match} does not match that recent version is answered from a read started after it
 * arrived: a client holding a newer version than this instance has seen (it asked another instance
 * first) is never sent back to an older one, and a {@code 200} to a revalidating client is current.
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.VERSION)
@ApplicationScoped
public class VersionResource {
    @Inject
    private RecentVersion versions;

    @Inject
    private CurrentAccess access;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response version(@Context Request request, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch)
            throws SQLException {
        long arrived = System.nanoTime();
        VersionSnapshot version = versions.recent(arrived).scoped(access.scope());
        if (ifNoneMatch != null && !Revalidated.matches(request, version.etag())) {
            version = versions.fresh(arrived).scoped(access.scope());
        }
        return Revalidated.response(request, version.etag(), version.version());
    }
}
