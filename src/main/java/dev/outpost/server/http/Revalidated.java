package dev.outpost.server.http;

import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;

/**
 * Responses that caches may keep but must revalidate: {@code 304 Not Modified} when the request's
 * {@code If-None-Match} matches the entity tag, else {@code 200} with the entity.
 */
public final class Revalidated {
    private Revalidated() {}

    public static Response response(Request request, String tag, Object entity) {
        EntityTag etag = new EntityTag(tag);
        CacheControl revalidate = new CacheControl();
        revalidate.setNoCache(true);
        Response.ResponseBuilder notModified;
        try {
            notModified = request.evaluatePreconditions(etag);
        } catch (RuntimeException malformedIfNoneMatch) {
            notModified = null; // a validator that cannot be parsed matches nothing: send the entity
        }
        Response.ResponseBuilder builder = notModified != null ? notModified : Response.ok(entity);
        return builder.tag(etag).cacheControl(revalidate).build();
    }
}
