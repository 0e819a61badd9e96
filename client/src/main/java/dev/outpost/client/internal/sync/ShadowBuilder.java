package dev.outpost.client.internal.sync;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.load.TableCopier;
import dev.outpost.client.internal.schema.HibernateSchemaBuilder;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.DerbyReplicaStore.ShadowDatabase;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.store.HeldColumns;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.client.internal.store.ReplicaMetadata;
import dev.outpost.client.internal.store.ShadowProgress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds (or resumes) the shadow database of a migration and activates it: kept tables are copied
 * from the active database, tables that only gained columns filled from both ({@link AddedColumns}),
 * the others downloaded ({@link TableDownloads}: short tables several to a
 * commit, {@link TableGroup}, with their first pages asked for ahead, {@link FirstPages}; a longer
 * table's first download in one transaction, resumable page by page after an interruption).
 * After a crash or a failed download the next sync for the same server version continues from what is
 * stored, and a shadow completed before a crash hit the swap is activated as it is; a shadow built for
 * another version is discarded. A local failure while copying or storing a table ({@link
 * ErrorCode#REPLICA_ERROR}: a full disk, a row Derby refused) discards the shadow at once: a retry would
 * fail the same way, and the unfinished database would keep holding the disk.
 */
final class ShadowBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowBuilder.class);

    private final ReplicaSource source;
    private final DerbyReplicaStore store;
    private final int pageRows;
    private final TableDownloads downloads;
    private final AddedColumns addedColumns;
    private final Consumer<SyncEvent> events;
    private final ObjLongConsumer<String> expectChanges;
    /** Whether tables are being copied or downloaded: a local failure there discards the shadow. */
    private boolean fillingTables;

    ShadowBuilder(
            ReplicaSource source,
            DerbyReplicaStore store,
            int pageRows,
            Consumer<SyncEvent> events,
            LongSupplier bytes,
            ObjLongConsumer<String> expectChanges) {
        this.source = source;
        this.expectChanges = expectChanges;
        this.store = store;
        this.pageRows = pageRows;
        this.downloads = new TableDownloads(source, pageRows, events, bytes);
        this.addedColumns = new AddedColumns(source, store, pageRows, events, bytes);
        this.events = events;
    }

    /** Rows this run downloaded (not counting those a resumed shadow already had). */
    long rowsDownloaded() {
        return downloads.rowsDownloaded() + addedColumns.rowsDownloaded();
    }

    /**
     * Builds the shadow for {@code target} following {@code plan}, stores {@code state} (without
     * tables) in it and makes it the active database.
     *
     * <p>With {@code feedPosition} (taken before any of the snapshot's pages is read), the new database
     * follows the change feed: a downloaded table from that position (a resumed shadow keeps the
     * position it started with), a kept table from where the current database had got to.
     *
     * @return the tables of the new replica
     */
    List<ReplicaStatus.Table> buildAndActivate(
            ShadowProgress.Target target, RebuildPlan plan, String latestChangeSet, OptionalLong feedPosition) {
        List<String> downloaded = plan.tables().stream()
                .map(ReplicaTable::name)
                .filter(name -> !plan.kept().contains(name) && !plan.widened().containsKey(name))
                .toList();
        try (FirstPages firstPages = new FirstPages(source, downloaded, pageRows)) {
            if (store.pendingShadow().isEmpty()) {
                firstPages.askNext(); // the first table's rows travel while the shadow database is created
            }
            ShadowDatabase shadow = shadowFor(target, plan.tables(), feedPosition);
            List<ReplicaStatus.Table> tables;
            try {
                tables = buildIn(shadow, target, plan, latestChangeSet, firstPages);
            } catch (OutpostException e) {
                if (e.code() == ErrorCode.REPLICA_ERROR && fillingTables) {
                    // a local failure (a full disk, a value or table Derby refused) would fail the same
                    // way again: the unfinished database is deleted, never left holding the disk
                    LOG.info("Discarding the unfinished rebuild in {} after a local failure", shadow.name());
                    store.discard(shadow);
                }
                throw e;
            }
            events.accept(new SyncEvent.Activating(target.tag()));
            store.activate(shadow);
            return tables;
        }
    }

    private List<ReplicaStatus.Table> buildIn(
            ShadowDatabase shadow,
            ShadowProgress.Target target,
            RebuildPlan plan,
            String latestChangeSet,
            FirstPages firstPages) {
        try (Connection c = shadow.connect()) {
            Optional<ReplicaStatus.Local> completed = completedFor(c, target);
            if (completed.isPresent()) {
                LOG.info("{} was completed before the swap was interrupted: activating it", shadow.name());
                return completed.get().tables();
            }
            return build(c, target, plan, latestChangeSet, firstPages);
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot write the shadow database: " + e.getMessage(), e);
        }
    }

    private List<ReplicaStatus.Table> build(
            Connection c, ShadowProgress.Target target, RebuildPlan plan, String latestChangeSet, FirstPages firstPages)
            throws SQLException {
        List<ReplicaStatus.Table> tables = new ArrayList<>();
        Map<String, ShadowProgress.Table> progress = ShadowProgress.tables(c);
        firstPages.skip(progress.keySet()); // started by an earlier attempt: each resumes on its own
        Optional<Long> feedFrom = FeedState.snapshotPosition(c);
        Optional<FeedState.State> activeFeed = Optional.empty();
        if (feedFrom.isPresent() && !(plan.kept().isEmpty() && plan.widened().isEmpty())) {
            try (Connection active = store.connect()) {
                activeFeed = FeedState.read(active);
            }
        }
        Map<String, Long> heldRows = store.state().stream()
                .flatMap(local -> local.tables().stream())
                .collect(Collectors.toMap(ReplicaStatus.Table::name, ReplicaStatus.Table::rows));
        fillingTables = true;
        c.setAutoCommit(false);
        TableGroup group = new TableGroup(c);
        try {
            for (ReplicaTable table : plan.tables()) {
                ShadowProgress.Table done = progress.getOrDefault(table.name(), ShadowProgress.Table.NOT_STARTED);
                Optional<Long> follow = feedFrom.filter(p -> table.followed());
                long rows;
                if (plan.kept().contains(table.name())) {
                    rows = keep(
                            c,
                            group,
                            table,
                            done,
                            heldRows.getOrDefault(table.name(), 0L),
                            follow.isPresent() ? activeFeed : Optional.empty());
                } else {
                    rows = done.done() || follow.isEmpty() || activeFeed.isEmpty()
                            ? -1
                            : widen(c, group, table, plan.widened().get(table.name()), activeFeed.get());
                    if (rows < 0) {
                        rows = downloads.download(c, group, firstPages, table, done, follow);
                    }
                }
                tables.add(new ReplicaStatus.Table(table.name(), table.fingerprint(), rows));
            }
            group.commit();
        } catch (SQLException | RuntimeException e) {
            group.rollback();
            throw e;
        }
        // every page is read: the feed's first answer after them travels while the shadow is checked
        // and activated (on a slow link, a round trip saved)
        FeedState.read(c).ifPresent(feed -> expectChanges.accept(target.schemaFingerprint(), feed.position()));
        fillingTables = false; // a count that differs below resets only its tables, for the next sync
        ShadowRowCounts.verify(c, plan, store);
        HeldColumns.write(c, plan.tables());
        ReplicaMetadata.write(
                c,
                new ReplicaStatus.Local(
                        target.tag(),
                        target.schemaFingerprint(),
                        latestChangeSet,
                        Instant.now(),
                        tables,
                        target.database(),
                        null)); // the feed position is FeedState's, not written with the metadata
        return tables;
    }

    /**
     * Fills a table that only gained columns ({@link AddedColumns}) after committing the group; -1 for
     * a table that is not such a table or must be downloaded whole after all.
     */
    private long widen(
            Connection c, TableGroup group, ReplicaTable table, List<ReplicaColumn> held, FeedState.State activeFeed)
            throws SQLException {
        if (held == null || !activeFeed.tables().containsKey(table.name())) {
            return -1;
        }
        group.commit();
        return addedColumns.fill(c, table, held, activeFeed);
    }

    /**
     * The state of a shadow that was completed for {@code target} (its state written, its progress
     * dropped) but not activated: a crash hit the swap. Empty for a shadow still being built.
     */
    private static Optional<ReplicaStatus.Local> completedFor(Connection c, ShadowProgress.Target target) {
        try {
            ReplicaStatus.Local state = ReplicaMetadata.read(c);
            return Objects.equals(state.tag(), target.tag())
                            && Objects.equals(state.schemaFingerprint(), target.schemaFingerprint())
                            && Objects.equals(state.database(), target.database())
                    ? Optional.of(state)
                    : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    private ShadowDatabase shadowFor(
            ShadowProgress.Target target, List<ReplicaTable> tables, OptionalLong feedPosition) {
        Optional<ShadowDatabase> pending = store.pendingShadow();
        if (pending.isPresent()) {
            boolean resumable;
            try (Connection c = pending.get().connect()) {
                resumable = (ShadowProgress.target(c).equals(Optional.of(target))
                                && FeedState.snapshotPosition(c).isPresent() == feedPosition.isPresent())
                        || completedFor(c, target).isPresent();
            } catch (SQLException | OutpostException e) {
                resumable = false;
            }
            if (resumable) {
                LOG.info("Resuming the interrupted rebuild in {}", pending.get().name());
                return pending.get();
            }
            LOG.info(
                    "Discarding {}, an unfinished rebuild for another version",
                    pending.get().name());
            store.discard(pending.get());
        }
        ShadowDatabase shadow = store.createShadow();
        try {
            try (Connection c = shadow.connect()) {
                HibernateSchemaBuilder.createTables(c, tables);
                ShadowProgress.begin(c, target);
                if (feedPosition.isPresent()) {
                    FeedState.begin(c, feedPosition.getAsLong());
                }
            }
            return shadow;
        } catch (SQLException | RuntimeException e) {
            store.discard(shadow);
            throw e instanceof OutpostException o
                    ? o
                    : new OutpostException(
                            ErrorCode.REPLICA_ERROR, "Cannot prepare the shadow database: " + e.getMessage(), e);
        }
    }

    /**
     * Copies a kept table, of about {@code heldRows} rows, from the active database into {@code
     * group}'s transaction; with {@code
     * activeFeed}, the table follows the feed from where the active database had got to (read in this
     * run: nothing applies changes to the active database while a migration is pending).
     */
    private long keep(
            Connection c,
            TableGroup group,
            ReplicaTable table,
            ShadowProgress.Table done,
            long heldRows,
            Optional<FeedState.State> activeFeed)
            throws SQLException {
        if (done.done()) {
            events.accept(new SyncEvent.TableKept(table.name(), done.rows()));
            return done.rows();
        }
        long rows;
        try (Connection active = store.connect()) {
            rows = TableCopier.copy(active, c, table, heldRows);
            Quarantine.copy(active, c, table.name());
        }
        ShadowProgress.record(c, table.name(), new ShadowProgress.Table(null, rows, true));
        if (activeFeed.isPresent()) {
            FeedState.Table followed = activeFeed.get().tables().get(table.name());
            if (followed == null) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "Kept table " + table.name() + " was not following the feed");
            }
            FeedState.follow(c, table.name(), followed, activeFeed.get().position());
        }
        group.add(rows);
        LOG.debug("Kept {}: {} rows", table.name(), rows);
        events.accept(new SyncEvent.TableKept(table.name(), rows));
        return rows;
    }
}
