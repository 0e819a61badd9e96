package dev.outpost.server.schema;

import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.http.Revalidated;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.sql.SQLException;

/** {@code GET /api/sync/schema}: the synced tables as data, with the schema fingerprint as ETag. */
@Path(SyncPaths.SYNC + "/" + SyncPaths.SCHEMA)
@RequestScoped
public class SchemaResource {
    @Inject
    private SyncedSchema syncedSchema;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response schema(@Context Request request) throws SQLException {
        SchemaInfo schema = syncedSchema.read();
        return Revalidated.response(request, schema.fingerprint(), schema);
    }
}
