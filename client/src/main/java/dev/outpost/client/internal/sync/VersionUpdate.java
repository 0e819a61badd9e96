package dev.outpost.client.internal.sync;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.client.internal.feed.FeedFollower;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.schema.DerbyTypes;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.store.HeldColumns;
import dev.outpost.client.internal.store.ReplicaMetadata;
import dev.outpost.client.internal.store.ShadowProgress;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.VersionInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the replica's tables to the server's version, deciding once what that takes: nothing when
 * the replica's tag, schema fingerprint and database equal the server's; else, after the preflight
 * accepted the new schema (nothing local is touched before), a {@link RebuildPlan}: when no table
 * changed, only the new version is recorded; otherwise a shadow database is built (or resumed) with
 * the changed tables downloaded and the others copied locally, and becomes active only when complete
 * ({@link ShadowBuilder}). One step of {@link ReplicaSync}, which also applies the feed's changes.
 */
final class VersionUpdate {
    private static final Logger LOG = LoggerFactory.getLogger(VersionUpdate.class);

    private final ReplicaSource source;
    private final DerbyReplicaStore store;
    private final int pageRows;
    private final Consumer<SyncEvent> events;
    private final FeedFollower follower;
    private long bytesAtStart;

    /**
     * Updates reading from {@code source} into {@code store}, reporting to {@code events}; {@code
     * follower} learns the server's schema whenever the update reads it, and the position a rebuilt
     * replica will ask the feed for.
     */
    VersionUpdate(
            ReplicaSource source,
            DerbyReplicaStore store,
            int pageRows,
            Consumer<SyncEvent> events,
            FeedFollower follower) {
        this.source = source;
        this.store = store;
        this.pageRows = pageRows;
        this.events = events;
        this.follower = follower;
    }

    /**
     * Runs the update, rebuilding what {@code scope} says besides what the version changed; events up
     * to {@link SyncEvent.RebuildCompleted} are fired, failures are thrown.
     */
    SyncResult run(ReplicaSync.Scope scope) {
        long start = System.nanoTime();
        bytesAtStart = source.bytesReceived();
        events.accept(new SyncEvent.CheckStarted());
        // a replica that holds nothing yet needs the schema whatever the version says: both are asked
        // for at once, saving a round trip
        CompletableFuture<SchemaInfo> schemaAsked =
                store.state().isEmpty() ? CompletableFuture.supplyAsync(source::schema, PagePipeline::daemon) : null;
        VersionInfo version = source.version();
        Held held = Held.of(store, version);
        if (held.current()
                && scope == ReplicaSync.Scope.IF_VERSION_CHANGED
                && (held.feed().isPresent() || feedPosition().isEmpty())) {
            LOG.info("Replica is up to date (tag {})", held.tag());
            return result(SyncResult.Outcome.UP_TO_DATE, held, version, List.of(), List.of(), 0, start);
        }
        SchemaInfo schema = schemaAsked == null ? source.schema() : answer(schemaAsked);
        List<ReplicaTable> tables = DerbyTypes.preflight(schema);
        follower.schemaRead(schema.fingerprint(), tables);
        // taken after the schema was read and before any page is: see FeedState
        OptionalLong position = feedPosition();
        RebuildPlan plan = RebuildPlan.of(held.local(), tables, held.feed(), position.isPresent());
        logFollowedAgain(held, tables, plan);
        boolean joiningFeed = position.isPresent() && held.feed().isEmpty();
        if (scope == ReplicaSync.Scope.EVERY_TABLE || held.otherDatabase() || joiningFeed) {
            plan = plan.downloadAll();
        } else if (position.isPresent() && held.local().isPresent()) {
            plan = plan.withWidened(heldColumns(), held.feed());
        }
        if (held.current()
                && scope == ReplicaSync.Scope.TABLES_TO_FOLLOW
                && plan.download().isEmpty()) {
            return result(SyncResult.Outcome.UP_TO_DATE, held, version, List.of(), List.of(), 0, start);
        }
        if (held.local().isPresent() && plan.changesNothing()) {
            return retag(held, version, schema, plan, start);
        }
        return rebuild(held, version, schema, plan, position, reason(held, version, scope), start);
    }

    /**
     * The replica as it is before the update.
     *
     * @param feed the replica's feed state; empty also when its rows came from another database
     * @param otherDatabase whether the server's database is not the one the replica was built from
     *     (restored, recreated, another server): its rows are never kept
     * @param current whether the replica holds the server's version of the same database
     */
    private record Held(
            Optional<ReplicaStatus.Local> local,
            Optional<FeedState.State> feed,
            boolean otherDatabase,
            boolean current) {
        static Held of(DerbyReplicaStore store, VersionInfo version) {
            Optional<ReplicaStatus.Local> local = store.state();
            boolean otherDatabase =
                    local.isPresent() && !Objects.equals(local.get().database(), version.database());
            Optional<FeedState.State> feed =
                    local.isPresent() && !otherDatabase ? FeedState.ofActive(store) : Optional.empty();
            boolean current = local.isPresent()
                    && !otherDatabase
                    && Objects.equals(local.get().tag(), version.tag())
                    && Objects.equals(local.get().schemaFingerprint(), version.schemaFingerprint());
            return new Held(local, feed, otherDatabase, current);
        }

        String tag() {
            return local.map(ReplicaStatus.Local::tag).orElse(null);
        }
    }

    /** Records the new version only: no synced table changed. */
    private SyncResult retag(Held held, VersionInfo version, SchemaInfo schema, RebuildPlan plan, long start) {
        recordVersion(version, schema, changeSet(version));
        SyncResult result = result(SyncResult.Outcome.RETAGGED, held, version, List.of(), plan.kept(), 0, start);
        LOG.info("No table changed: the replica now records tag {}", version.tag());
        events.accept(new SyncEvent.RebuildCompleted(result));
        return result;
    }

    /** Builds a new database with the plan's tables downloaded and kept, and makes it the active one. */
    private SyncResult rebuild(
            Held held,
            VersionInfo version,
            SchemaInfo schema,
            RebuildPlan plan,
            OptionalLong position,
            String reason,
            long start) {
        LOG.info(
                "Updating the replica ({}): downloading {}, keeping {}, dropping {}",
                reason,
                plan.download(),
                plan.kept(),
                plan.dropped());
        events.accept(new SyncEvent.RebuildStarted(reason, plan.download()));
        ShadowBuilder builder = new ShadowBuilder(source, store, pageRows, events, this::bytes, follower::expect);
        builder.buildAndActivate(
                new ShadowProgress.Target(
                        version.tag(),
                        schema.fingerprint(),
                        version.database(),
                        store.currentName().orElse(null)),
                plan,
                changeSet(version),
                position);
        SyncResult result = result(
                held.local().isEmpty() ? SyncResult.Outcome.CREATED : SyncResult.Outcome.REBUILT,
                held,
                version,
                plan.download(),
                plan.kept(),
                builder.rowsDownloaded(),
                start);
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

    /** Why the replica is updated, in the log's and the events' words. */
    private static String reason(Held held, VersionInfo version, ReplicaSync.Scope scope) {
        if (held.local().isEmpty()) {
            return "no local replica";
        }
        if (held.otherDatabase()) {
            return "the server's database is not the one the replica was built from";
        }
        if (!Objects.equals(held.tag(), version.tag())) {
            return "tag " + held.tag() + " -> " + version.tag();
        }
        if (!held.current()) {
            return "schema fingerprint changed";
        }
        return scope == ReplicaSync.Scope.EVERY_TABLE ? "every table downloaded again" : "following the change feed";
    }

    /** Logs each table downloaded although its definition is unchanged: to follow the change feed. */
    private static void logFollowedAgain(Held held, List<ReplicaTable> tables, RebuildPlan plan) {
        if (!LOG.isInfoEnabled() || held.local().isEmpty()) {
            return;
        }
        for (ReplicaTable t : tables) {
            boolean sameDefinition = held.local().get().tables().stream()
                    .anyMatch(h -> h.name().equals(t.name()) && Objects.equals(h.fingerprint(), t.fingerprint()));
            if (sameDefinition && plan.download().contains(t.name())) {
                LOG.info(
                        "{} is unchanged but downloaded again to follow the change feed (replica follows: {})",
                        t.name(),
                        held.feed().map(f -> f.tables().get(t.name())).orElse(null));
            }
        }
    }

    private static String changeSet(VersionInfo version) {
        return version.latestChangeSet() == null
                ? null
                : version.latestChangeSet().id();
    }

    private SyncResult result(
            SyncResult.Outcome outcome,
            Held held,
            VersionInfo version,
            List<String> rebuilt,
            List<String> kept,
            long rows,
            long start) {
        String tag = outcome == SyncResult.Outcome.UP_TO_DATE ? held.tag() : version.tag();
        return new SyncResult(
                outcome, held.tag(), tag, rebuilt, kept, rows, bytes(), elapsed(start), 0, List.of(), List.of());
    }

    /** The answer of a request sent ahead, or the failure it ended with, as if it had been sent now. */
    private static <T> T answer(CompletableFuture<T> asked) {
        try {
            return asked.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
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

    /** The definitions the active database's tables were built with. */
    private Map<String, HeldColumns.Held> heldColumns() {
        try (Connection c = store.connect()) {
            return HeldColumns.read(c);
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot read the replica's table definitions: " + e.getMessage(), e);
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
