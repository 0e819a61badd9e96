package dev.outpost.server.fleet;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.FleetSample;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;

/** {@code GET /api/admin/fleet/history?hours=N}: the fleet sampled once a minute, oldest first. */
@Path(AdminPaths.ADMIN + "/" + AdminPaths.FLEET_HISTORY)
@RequestScoped
public class FleetHistoryResource {
    private static final int DEFAULT_HOURS = 24;

    @Inject
    private FleetReader fleet;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<FleetSample> history(@QueryParam(AdminPaths.HOURS_PARAM) String hours) throws SQLException {
        int span = DEFAULT_HOURS;
        if (hours != null && !hours.isEmpty()) {
            span = hours.matches("[0-9]{1,4}") ? Integer.parseInt(hours) : -1;
            if (span < 1 || span > AdminPaths.MAX_HISTORY_HOURS) {
                throw new ProblemException(
                        ProblemType.BAD_REQUEST,
                        "'hours' must be a whole number from 1 to " + AdminPaths.MAX_HISTORY_HOURS + ", was '" + hours
                                + "'");
            }
        }
        return fleet.history(span);
    }
}
