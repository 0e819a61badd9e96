package dev.outpost.client.internal.sync;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.client.internal.schema.DerbyTypes;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.store.ReplicaMetadata;
import dev.outpost.client.internal.store.ShadowProgress;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.VersionInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sync run. Up to date when the replica's tag and schema fingerprint equal the server's. Else,
 * after the preflight accepted the new schema (nothing local is touched before), a {@link RebuildPlan}:
 * when no table changed, only the new version is recorded; otherwise a shadow database is built (or
 * resumed) with the changed tables downloaded and the others copied locally, and becomes active only
 * when complete ({@link ShadowBuilder}).
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
        return run(Scope.IF_VERSION_CHANGED);
    }

    /** What a sync rebuilds besides what a new version changed. */
    public enum Scope {
        /** Only what the version check finds changed. */
        IF_VERSION_CHANGED,
        /** Also the tables the change feed follows now but the replica does not (capture was turned on). */
        TABLES_TO_FOLLOW,
        /** Every table, from a snapshot (the change feed cannot continue from the replica's position). */
        EVERY_TABLE
    }

    /** Runs the sync, rebuilding what {@code scope} says. */
    public SyncResult run(Scope scope) {
        boolean downloadEverything = scope == Scope.EVERY_TABLE;
        long start = System.nanoTime();
        bytesAtStart = source.bytesReceived();
        events.accept(new SyncEvent.CheckStarted());
        VersionInfo version = source.version();
        Optional<ReplicaStatus.Local> local = store.state();
        Optional<FeedState.State> feed = local.isPresent() ? FeedState.ofActive(store) : Optional.empty();
        String previousTag = local.map(ReplicaStatus.Local::tag).orElse(null);
        // rows of another database (restored, recreated, or another server) are never kept
        boolean otherDatabase = local.isPresent() && !Objects.equals(local.get().database(), version.database());
        if (otherDatabase) {
            downloadEverything = true;
            feed = Optional.empty();
        }
        boolean current = local.isPresent()
                && !otherDatabase
                && Objects.equals(previousTag, version.tag())
                && Objects.equals(local.get().schemaFingerprint(), version.schemaFingerprint());
        if (current
                && scope == Scope.IF_VERSION_CHANGED
                && (feed.isPresent() || feedPosition().isEmpty())) {
            LOG.info("Replica is up to date (tag {})", previousTag);
            return upToDate(previousTag, start);
        }
        SchemaInfo schema = source.schema();
        List<ReplicaTable> tables = DerbyTypes.preflight(schema);
        // taken after the schema was read and before any page is: see FeedState
        OptionalLong position = feedPosition();
        RebuildPlan plan = RebuildPlan.of(local, tables, feed, position.isPresent());
        if (LOG.isInfoEnabled() && local.isPresent()) {
            for (ReplicaTable t : tables) {
                boolean sameDefinition = local.get().tables().stream()
                        .anyMatch(held ->
                                held.name().equals(t.name()) && Objects.equals(held.fingerprint(), t.fingerprint()));
                if (sameDefinition && plan.download().contains(t.name())) {
                    LOG.info(
                            "{} is unchanged but downloaded again to follow the change feed (replica follows: {})",
                            t.name(),
                            feed.map(f -> f.tables().get(t.name())).orElse(null));
                }
            }
        }
        boolean joiningFeed = position.isPresent() && feed.isEmpty();
        if (downloadEverything || joiningFeed) {
            plan = plan.downloadAll();
        }
        String changeSet = version.latestChangeSet() == null
                ? null
                : version.latestChangeSet().id();
        if (current && scope == Scope.TABLES_TO_FOLLOW && plan.download().isEmpty()) {
            return upToDate(previousTag, start);
        }
        if (local.isPresent() && plan.changesNothing()) {
            recordVersion(version, schema, changeSet);
            SyncResult result = new SyncResult(
                    SyncResult.Outcome.RETAGGED,
                    previousTag,
                    version.tag(),
                    List.of(),
                    plan.kept(),
                    0,
                    bytes(),
                    elapsed(start),
                    0,
                    List.of(),
                    List.of());
            LOG.info("No table changed: the replica now records tag {}", version.tag());
            events.accept(new SyncEvent.RebuildCompleted(result));
            return result;
        }
        String reason = local.isEmpty()
                ? "no local replica"
                : otherDatabase
                        ? "the server's database is not the one the replica was built from"
                        : !Objects.equals(previousTag, version.tag())
                                ? "tag " + previousTag + " -> " + version.tag()
                                : !current
                                        ? "schema fingerprint changed"
                                        : downloadEverything
                                                ? "every table downloaded again"
                                                : "following the change feed";
        LOG.info(
                "Updating the replica ({}): downloading {}, keeping {}, dropping {}",
                reason,
                plan.download(),
                plan.kept(),
                plan.dropped());
        events.accept(new SyncEvent.RebuildStarted(reason, plan.download()));
        ShadowBuilder builder = new ShadowBuilder(source, store, pageRows, events, this::bytes);
        builder.buildAndActivate(
                new ShadowProgress.Target(
                        version.tag(),
                        schema.fingerprint(),
                        version.database(),
                        store.currentName().orElse(null)),
                plan,
                changeSet,
                position);
        SyncResult result = new SyncResult(
                local.isEmpty() ? SyncResult.Outcome.CREATED : SyncResult.Outcome.REBUILT,
                previousTag,
                version.tag(),
                plan.download(),
                plan.kept(),
                builder.rowsDownloaded(),
                bytes(),
                elapsed(start),
                0,
                List.of(),
                List.of());
        LOG.info(
                "Replica updated: {} tables downloaded, {} kept, {} rows, {} bytes in {}",
                plan.download().size(),
                plan.kept().size(),
                result.rows(),
                result.bytes(),
                result.duration());
        events.accept(new SyncEvent.RebuildCompleted(result));
        return result;
    }

    private SyncResult upToDate(String tag, long start) {
        return new SyncResult(
                SyncResult.Outcome.UP_TO_DATE,
                tag,
                tag,
                List.of(),
                List.of(),
                0,
                bytes(),
                elapsed(start),
                0,
                List.of(),
                List.of());
    }

    /** The feed's newest position, or empty when the server runs no change feed. */
    private OptionalLong feedPosition() {
        try {
            return OptionalLong.of(source.feedPosition());
        } catch (OutpostException e) {
            if (e.code() == ErrorCode.FEED_UNAVAILABLE) {
                LOG.debug("No change feed: {}", e.getMessage());
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    private void recordVersion(VersionInfo version, SchemaInfo schema, String changeSet) {
        try (Connection c = store.connect()) {
            ReplicaMetadata.updateVersion(c, version.tag(), schema.fingerprint(), changeSet);
        } catch (SQLException e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot record the new version: " + e.getMessage(), e);
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
