package dev.outpost.server.schema;

import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.view.ScopedSchema;
import dev.outpost.server.access.view.ScopedTable;
import dev.outpost.server.capture.FeedMode;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.capture.ReplicaIdentity;
import dev.outpost.server.catalog.Fingerprints;
import dev.outpost.server.catalog.PostgresCatalogReader;
import dev.outpost.server.catalog.SyncScope;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The schema of the synced tables as it is in the database now. Read on every call: a changelog
 * applied by a pipeline while the server runs is seen at once.
 */
@ApplicationScoped
public class SyncedSchema {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    /**
     * The synced tables a scope may see, each as its grant shows it ({@link ScopedSchema}), with the
     * fingerprint of them all.
     */
    public SchemaInfo read(AccessScope access) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return read(access, connection);
        }
    }

    /** {@link #read(AccessScope)} on a connection the caller holds (in the caller's transaction, if any). */
    public SchemaInfo read(AccessScope access, Connection connection) throws SQLException {
        SchemaInfo all = read(connection, settings.scope(), settings.captureEnabled());
        if (access.unrestricted()) {
            return all;
        }
        boolean filtered =
                access.grants().values().stream().anyMatch(g -> g.rowFilter().isPresent());
        return ScopedSchema.of(
                all, access, filtered ? ReplicaIdentity.fullTables(connection, settings.scope()) : Set.of());
    }

    /**
     * One synced table as a scope may see it, or the {@link ProblemType#UNKNOWN_TABLE} problem, the
     * same for a table that is not synced and one the scope does not grant (decided before the catalog
     * is read).
     */
    public ScopedTable table(String name, AccessScope access) throws SQLException {
        TableGrant grant = ScopedTable.require(name, access);
        return ScopedTable.require(table(name), grant, access);
    }

    /** Every synced table, with the fingerprint of them all. */
    public SchemaInfo read() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection, settings.scope(), settings.captureEnabled());
        }
    }

    /**
     * The synced tables of {@code scope}. A table is {@link TableSchema#followed() followed} only while
     * the change feed runs ({@link FeedMode}); in snapshot-only mode none is. Whether a table is followed
     * is not part of any fingerprint: the schema's fingerprint, and with it the version, stays the same
     * when the feed starts or stops.
     */
    public static SchemaInfo read(Connection connection, SyncScope scope, boolean captureEnabled) throws SQLException {
        boolean feedRuns = FeedMode.read(connection, captureEnabled).capturing();
        List<TableSchema> tables =
                new PostgresCatalogReader(scope, feedRuns ? FeedTables.PUBLICATION : null).read(connection);
        return new SchemaInfo(
                Fingerprints.of(tables.stream()
                        .map(t -> t.name() + "=" + t.fingerprint())
                        .toArray(String[]::new)),
                tables);
    }

    /**
     * One synced table by its exact name, or an {@link ProblemType#UNKNOWN_TABLE} problem; the catalog
     * is read for that table alone.
     */
    public TableSchema table(String name) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            boolean feedRuns =
                    FeedMode.read(connection, settings.captureEnabled()).capturing();
            return new PostgresCatalogReader(settings.scope(), feedRuns ? FeedTables.PUBLICATION : null)
                    .readTable(connection, name)
                    .orElseThrow(() -> ScopedTable.unknownTable(name));
        }
    }

    /** The synced tables' scope: their schemas and protocol names. */
    public SyncScope scope() {
        return settings.scope();
    }
}
