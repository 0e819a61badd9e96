package dev.outpost.server.schema;

import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.catalog.Fingerprints;
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
import java.util.stream.Stream;

/**
 * {@code GET /api/sync/schema}: the synced tables the caller may see, with the columns it may see, as data, with an ETag over the schema fingerprint
 * and which tables the feed follows (not part of the fingerprint, so that the feed starting or stopping
 * does not change the version; part of this document, so a cached copy is revalidated when it does).
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.SCHEMA)
@RequestScoped
public class SchemaResource {
    @Inject
    private SyncedSchema syncedSchema;

    @Inject
    private CurrentAccess access;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response schema(@Context Request request) throws SQLException {
        SchemaInfo schema = syncedSchema.read(access.scope());
        return Revalidated.response(request, entityTag(schema), schema);
    }

    /** The schema document's entity tag: its fingerprint and the names of the followed tables. */
    static String entityTag(SchemaInfo schema) {
        return Fingerprints.of(Stream.concat(
                        Stream.of(schema.fingerprint()),
                        schema.tables().stream().filter(TableSchema::followed).map(TableSchema::name))
                .toArray(String[]::new));
    }
}
