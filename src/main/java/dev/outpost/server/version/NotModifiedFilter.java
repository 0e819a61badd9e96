package dev.outpost.server.version;

import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.http.EntityTags;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLException;

/**
 * The version check's hot path: a {@code GET /api/sync/version} whose {@code If-None-Match} matches
 * the {@link RecentVersion recent version} is answered {@code 304} here, with the same headers as
 * {@link VersionResource}, without going through JAX-RS. Everything else — no validator, a validator
 * that does not match or that this filter does not parse, {@code HEAD}, a failed read — goes on to
 * {@link VersionResource}, which decides as before. The entity tag compared is the caller's scope's
 * ({@link VersionSnapshot#scoped}), so a {@code 304} is never given for another scope's version. A filter runs after the container's security
 * (the {@code /api/sync/*} constraint in {@code web.xml}): the request already carries a valid sync
 * token, and one without a principal is left to the chain.
 */
@WebFilter(
        filterName = "version-not-modified",
        urlPatterns = "/" + SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.VERSION)
public class NotModifiedFilter extends HttpFilter {
    private static final long serialVersionUID = 1L;

    @Inject
    private RecentVersion versions;

    @Inject
    private CurrentAccess access;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null && "GET".equals(request.getMethod()) && request.getUserPrincipal() != null) {
            String etag = recentEtag(System.nanoTime());
            if (etag != null && EntityTags.noneMatchHits(ifNoneMatch, etag)) {
                response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
                response.setHeader("ETag", EntityTags.quoted(etag));
                response.setHeader("Cache-Control", EntityTags.REVALIDATE);
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private String recentEtag(long arrived) {
        try {
            return versions.recent(arrived).scoped(access.scope()).etag();
        } catch (SQLException | RuntimeException e) {
            return null; // the resource reads again and reports the failure as a problem
        }
    }
}
