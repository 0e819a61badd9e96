package dev.outpost.server.version;

import dev.outpost.protocol.ChangeSetInfo;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.http.Revalidated;
import dev.outpost.server.schema.Fingerprints;
import dev.outpost.server.schema.SyncedSchema;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** {@code GET /api/sync/version}: the latest tag and changeset plus schema fingerprints, with an ETag. */
@Path(SyncPaths.SYNC + "/" + SyncPaths.VERSION)
@RequestScoped
public class VersionResource {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    @Inject
    private SyncedSchema syncedSchema;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response version(@Context Request request) throws SQLException {
        VersionInfo version = current();
        ChangeSetInfo last = version.latestChangeSet();
        String tag = Fingerprints.of(
                version.tag(),
                last == null ? null : last.id(),
                last == null ? null : Long.toString(last.orderExecuted()),
                version.schemaFingerprint());
        return Revalidated.response(request, tag, version);
    }

    private VersionInfo current() throws SQLException {
        ChangelogReader.ChangelogState history;
        try (Connection connection = dataSource.getConnection()) {
            history = new ChangelogReader(settings.schema()).read(connection);
        }
        SchemaInfo schema = syncedSchema.read();
        Map<String, String> tables = new LinkedHashMap<>();
        for (TableSchema table : schema.tables()) {
            tables.put(table.name(), table.fingerprint());
        }
        return new VersionInfo(history.tag(), history.latestChangeSet(), schema.fingerprint(), tables);
    }
}
