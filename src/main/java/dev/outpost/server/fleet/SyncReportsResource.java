package dev.outpost.server.fleet;

import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.SyncReport;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.input.JsonInput;
import dev.outpost.server.metrics.ServerMetrics;
import dev.outpost.server.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.Set;
import java.util.UUID;

/** {@code POST /api/sync/reports}: a replica tells how its last sync ended ({@link SyncReport}); 204. */
@Path(SyncPaths.SYNC + "/" + SyncPaths.REPORTS)
@RequestScoped
public class SyncReportsResource {
    private static final Set<String> FIELDS = Set.of(
            "outcome",
            "tag",
            "schemaFingerprint",
            "tablesRebuilt",
            "tablesKept",
            "rows",
            "bytes",
            "durationMillis",
            "position",
            "errorCode",
            "error",
            "quarantinedValues",
            "quarantinedColumns");
    private static final Set<String> OUTCOMES =
            Set.of("CREATED", "REBUILT", "RETAGGED", "UP_TO_DATE", SyncReport.FAILED);
    private static final int MAX_TABLES = 10_000;

    @Inject
    private ReplicaSightings sightings;

    @Inject
    private CurrentAccess access;

    @Inject
    private ServerMetrics metrics;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response report(
            @HeaderParam(SyncPaths.REPLICA_HEADER) String replicaHeader,
            @HeaderParam(SyncPaths.CLIENT_HEADER) String clientHeader,
            InputStream body)
            throws Exception {
        UUID replica = ReplicaRequests.replica(replicaHeader)
                .orElseThrow(() -> new ProblemException(
                        ProblemType.BAD_REQUEST,
                        "a report needs the header " + SyncPaths.REPLICA_HEADER + " with the replica's id (a UUID)"));
        Caller caller = access.caller()
                .orElseThrow(() -> new ProblemException(ProblemType.UNAUTHORIZED, "a report needs a token"));
        SyncReport report = read(JsonInput.read(body, FIELDS));
        sightings.reported(replica, caller, ReplicaRequests.clientVersion(clientHeader), report);
        metrics.syncReported(report.outcome());
        return Response.noContent().build();
    }

    private static SyncReport read(JsonInput input) {
        String outcome = input.requiredText("outcome", 20);
        if (!OUTCOMES.contains(outcome)) {
            throw new ProblemException(
                    ProblemType.BAD_REQUEST, "outcome: must be one of " + new java.util.TreeSet<>(OUTCOMES));
        }
        return new SyncReport(
                outcome,
                input.text("tag", 200),
                input.text("schemaFingerprint", 200),
                input.texts("tablesRebuilt", MAX_TABLES, 300),
                input.texts("tablesKept", MAX_TABLES, 300),
                count(input, "rows"),
                count(input, "bytes"),
                count(input, "durationMillis"),
                input.wholeNumber("position"),
                input.text("errorCode", 50),
                input.text("error", 1_000),
                count(input, "quarantinedValues"),
                input.texts("quarantinedColumns", MAX_TABLES, 300));
    }

    private static long count(JsonInput input, String field) {
        Long value = input.wholeNumber(field);
        if (value != null && value < 0) {
            throw new ProblemException(ProblemType.BAD_REQUEST, field + ": must not be negative");
        }
        return value == null ? 0 : value;
    }
}
