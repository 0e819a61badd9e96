package dev.outpost.server.fleet;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.Rollout;
import dev.outpost.server.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;

/** {@code GET /api/admin/releases/{tag}/rollout}: how a release reached the fleet over time. */
@Path(AdminPaths.ADMIN + "/" + AdminPaths.ROLLOUT)
@RequestScoped
public class RolloutResource {
    private static final int MAX_TAG = 200;

    @Inject
    private FleetReader fleet;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Rollout rollout(@PathParam(AdminPaths.TAG_PARAM) String tag) throws SQLException {
        if (tag.isBlank() || tag.length() > MAX_TAG || tag.indexOf('\0') >= 0) {
            throw new ProblemException(
                    ProblemType.BAD_REQUEST, "a release is named by its tag, of 1 to " + MAX_TAG + " characters");
        }
        return fleet.rollout(tag);
    }
}
