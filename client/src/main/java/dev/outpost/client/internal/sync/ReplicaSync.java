package dev.outpost.client.internal.sync;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.client.internal.load.TableLoader;
import dev.outpost.client.internal.schema.DerbyTypes;
import dev.outpost.client.internal.schema.HibernateSchemaBuilder;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.ReplicaMetadata;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.VersionInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync run. Up to date when the replica's tag and schema fingerprint equal the server's; else a
 * full rebuild into a shadow database that becomes active only when complete. Nothing local is
 * touched before the preflight has accepted the schema.
 */
public final class ReplicaSync {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSync.class);

    private final ReplicaSource source;
    private final DerbyReplicaStore store;
    private final int pageRows;
    private final Consumer<SyncEvent> events;
    private long bytesAtStart;

    /** A run reading from {@code source} into {@code store}, reporting to {@code events}. */
    public ReplicaSync(ReplicaSource source, DerbyReplicaStore store, int pageRows, Consumer<SyncEvent> events) {
        this.source = source;
        this.store = store;
        this.pageRows = pageRows;
        this.events = events;
    }

    /** Runs the sync; events up to {@link SyncEvent.RebuildCompleted} are fired, failures are thrown. */
    public SyncResult run() {
        long start = System.nanoTime();
        bytesAtStart = source.bytesReceived();
        events.accept(new SyncEvent.CheckStarted());
        VersionInfo version = source.version();
        Optional<ReplicaStatus.Local> local = store.state();
        String previousTag = local.map(ReplicaStatus.Local::tag).orElse(null);
        if (local.isPresent()
                && Objects.equals(previousTag, version.tag())
                && Objects.equals(local.get().schemaFingerprint(), version.schemaFingerprint())) {
            LOG.info("Replica is up to date (tag {})", previousTag);
            return new SyncResult(
                    SyncResult.Outcome.UP_TO_DATE, previousTag, previousTag, List.of(), 0, bytes(), elapsed(start));
        }
        SchemaInfo schema = source.schema();
        List<ReplicaTable> tables = DerbyTypes.preflight(schema);
        String reason = local.isEmpty()
                ? "no local replica"
                : !Objects.equals(previousTag, version.tag())
                        ? "tag " + previousTag + " -> " + version.tag()
                        : "schema fingerprint changed";
        List<String> names = tables.stream().map(ReplicaTable::name).toList();
        LOG.info("Rebuilding the replica ({}): {} tables", reason, names.size());
        events.accept(new SyncEvent.RebuildStarted(reason, names));

        DerbyReplicaStore.ShadowDatabase shadow = store.createShadow();
        List<ReplicaStatus.Table> loaded = new ArrayList<>();
        try {
            HibernateSchemaBuilder.createTables(shadow.jdbcUrl(), tables);
            try (Connection c = shadow.connect()) {
                for (ReplicaTable table : tables) {
                    loaded.add(new ReplicaStatus.Table(table.name(), table.fingerprint(), load(c, table)));
                }
                String changeSet = version.latestChangeSet() == null
                        ? null
                        : version.latestChangeSet().id();
                ReplicaMetadata.write(
                        c,
                        new ReplicaStatus.Local(version.tag(), schema.fingerprint(), changeSet, Instant.now(), loaded));
            } catch (SQLException e) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "Cannot write the replica metadata: " + e.getMessage(), e);
            }
            store.activate(shadow);
        } catch (RuntimeException e) {
            store.discard(shadow);
            throw e;
        }
        long rows = loaded.stream().mapToLong(ReplicaStatus.Table::rows).sum();
        SyncResult result = new SyncResult(
                local.isEmpty() ? SyncResult.Outcome.CREATED : SyncResult.Outcome.REBUILT,
                previousTag,
                version.tag(),
                names,
                rows,
                bytes(),
                elapsed(start));
        LOG.info(
                "Replica rebuilt: {} tables, {} rows, {} bytes in {}",
                names.size(),
                rows,
                result.bytes(),
                result.duration());
        events.accept(new SyncEvent.RebuildCompleted(result));
        return result;
    }

    private long load(Connection c, ReplicaTable table) {
        try (TableLoader loader = new TableLoader(
                c, table, rows -> events.accept(new SyncEvent.TableProgress(table.name(), rows, bytes())))) {
            String after = null;
            do {
                RowLines.End end = source.page(table.name(), after, pageRows, loader::loadPage);
                after = end.next();
            } while (after != null);
            LOG.debug("Loaded {}: {} rows", table.name(), loader.rows());
            events.accept(new SyncEvent.TableLoaded(table.name(), loader.rows()));
            return loader.rows();
        }
    }

    /** Bytes received by this run. */
    private long bytes() {
        return source.bytesReceived() - bytesAtStart;
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
