package dev.outpost.server.operations;

import dev.outpost.protocol.Health;
import dev.outpost.protocol.OperationsPaths;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * {@code GET /api/health/live} and {@code GET /api/health/ready}, answered without a token: liveness
 * (the application answers; a load balancer or orchestrator restarts an instance that stops answering)
 * and readiness ({@link Readiness}: 200 when the instance can serve, 503 when it cannot). The bodies
 * name the checks and say up or down, nothing more.
 */
@Path(OperationsPaths.HEALTH)
@RequestScoped
public class HealthResource {
    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    @Inject
    private Readiness readiness;

    @GET
    @Path(OperationsPaths.LIVE)
    @Produces(MediaType.APPLICATION_JSON)
    public Response live() {
        return answer(Health.of(Map.of()));
    }

    @GET
    @Path(OperationsPaths.READY)
    @Produces(MediaType.APPLICATION_JSON)
    public Response ready() {
        return answer(readiness.check());
    }

    private static Response answer(Health health) {
        return Response.status(Health.UP.equals(health.status()) ? 200 : 503)
                .entity(health)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .cacheControl(NO_STORE)
                .build();
    }
}
