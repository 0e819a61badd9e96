package dev.outpost.server.http;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/**
 * Responses that caches may keep but must revalidate: {@code 304 Not Modified} when the request's
 * {@code If-None-Match} matches the entity tag, else {@code 200} with the entity.
 *
 * <p>{@code Cache-Control: no-cache} on both: a cache (browser, client library, reverse proxy) may
 * store the answer but must ask the server before each reuse, so it never adds staleness of its own.
 * The sync endpoints need a bearer token, and a shared cache does not store answers to requests
 * with {@code Authorization} unless told {@code public}: every check reaches an instance, which is
 * why the {@code 304} path must be cheap.
 */
public final class Revalidated {
    private Revalidated() {}

    public static Response response(Request request, String tag, Object entity) {
        EntityTag etag = new EntityTag(tag);
        CacheControl revalidate = new CacheControl();
        revalidate.setNoCache(true);
        Response.ResponseBuilder notModified = notModified(request, etag);
        Response.ResponseBuilder builder = notModified != null ? notModified : Response.ok(entity);
        return builder.tag(etag).cacheControl(revalidate).build();
    }

    /** Whether the request's {@code If-None-Match} matches {@code tag} (an answer would be a 304). */
    public static boolean matches(Request request, String tag) {
        return notModified(request, new EntityTag(tag)) != null;
    }

    private static Response.ResponseBuilder notModified(Request request, EntityTag etag) {
        try {
            return request.evaluatePreconditions(etag);
        } catch (RuntimeException malformedIfNoneMatch) {
            return null; // a validator that cannot be parsed matches nothing: send the entity
        }
    }
}
