package dev.outpost.server.fleet;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.ReplicaDetail;
import dev.outpost.protocol.ReplicaInfo;
import dev.outpost.server.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/admin/replicas?limit=} and {@code GET /api/admin/replicas/{replica}}: the fleet as
 * the servers recorded it, with each replica's lag computed from the change log at the time of asking.
 */
@Path(AdminPaths.ADMIN + "/" + AdminPaths.REPLICAS)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ReplicasResource {
    /** Replicas listed when the caller names no limit. */
    static final int DEFAULT_ROWS = 1_000;

    /** Most replicas one answer lists. */
    static final int MAX_ROWS = 100_000;

    @Inject
    private FleetReader fleet;

    @GET
    public List<ReplicaInfo> list(@QueryParam(AdminPaths.LIMIT_PARAM) String limit) throws SQLException {
        int rows = DEFAULT_ROWS;
        if (limit != null && !limit.isEmpty()) {
            rows = limit.matches("[0-9]{1,6}") ? Integer.parseInt(limit) : -1;
            if (rows < 1 || rows > MAX_ROWS) {
                throw new ProblemException(
                        ProblemType.BAD_REQUEST,
                        "'limit' must be a whole number from 1 to " + MAX_ROWS + ", was '" + limit + "'");
            }
        }
        return fleet.replicas(rows);
    }

    @GET
    @Path("{" + AdminPaths.REPLICA_PARAM + "}")
    public ReplicaDetail one(@PathParam(AdminPaths.REPLICA_PARAM) String id) throws SQLException {
        UUID replica = ReplicaRequests.replica(id)
                .orElseThrow(() ->
                        new ProblemException(ProblemType.BAD_REQUEST, "a replica's id is a UUID, was '" + id + "'"));
        return fleet.replica(replica)
                .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no replica with id " + replica));
    }
}
