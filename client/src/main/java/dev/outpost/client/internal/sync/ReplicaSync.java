package dev.outpost.client.internal.sync;

import dev.outpost.client.OutpostException;
import dev.outpost.client.Quarantined;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.client.internal.feed.FeedFollower;
import dev.outpost.client.internal.feed.FeedFollower.Pull;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.Quarantine;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides what a sync does. A sync brings the tables to the server's version
 * ({@link VersionUpdate}: nothing, a new tag recorded, some tables rebuilt, or all of them), then
 * applies the feed's changes ({@link FeedFollower}) and compares the tables the feed does not follow.
 * What the feed answers is decided here too: a schema the replica does not have yet migrates it, a
 * refused position rebuilds from a snapshot ({@link #recover}), a table the feed follows now but the
 * replica does not is rebuilt to follow it. Live mode is the same decisions, one long poll at a time.
 */
public final class ReplicaSync {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSync.class);

    /** What a version update rebuilds besides what a new version changed. */
    public enum Scope {
        /** Only what the version check finds changed. */
        IF_VERSION_CHANGED,
        /** Also the tables the change feed follows now but the replica does not (capture was turned on). */
        TABLES_TO_FOLLOW,
        /** Every table, from a snapshot (the change feed cannot continue from the replica's position). */
        EVERY_TABLE
    }

    private final ReplicaSource source;
    private final DerbyReplicaStore store;
    private final int pageRows;
    private final Consumer<SyncEvent> events;
    private final FeedFollower follower;
    /** Recoveries from a refused position since the feed last answered with changes (see {@link #recover}). */
    private int lostPositionRecoveries;

    /**
     * @param pageRows rows asked for per page of a table's download
     * @param changeRows most changes asked for in one answer of the feed
     */
    public ReplicaSync(
            ReplicaSource source, DerbyReplicaStore store, int pageRows, int changeRows, Consumer<SyncEvent> events) {
        this.source = source;
        this.store = store;
        this.pageRows = pageRows;
        this.events = events;
        this.follower = new FeedFollower(source, store, events, changeRows);
    }

    /** The sync: the version update {@code scope} asks for, then the feed's changes and the unfollowed tables. */
    public SyncResult sync(Scope scope) {
        long start = System.nanoTime();
        follower.syncStarted();
        SyncResult result = update(scope);
        long bytesBefore = source.bytesReceived();
        long changes = catchUp();
        FeedFollower.Refresh refresh = follower.refreshUnfollowed(result.tablesRebuilt());
        if (refresh.mustFollowMore()) {
            update(Scope.TABLES_TO_FOLLOW);
        }
        List<Quarantined> quarantined = Quarantine.held(store);
        if (!quarantined.isEmpty()) {
            LOG.warn(
                    "The replica holds {} values Derby cannot hold as text in {}: {}",
                    quarantined.stream().mapToLong(Quarantined::values).sum(),
                    Quarantine.TABLE,
                    quarantined);
            events.accept(new SyncEvent.ValuesQuarantined(quarantined));
        }
        return result.withFeed(
                        changes,
                        refresh.tables(),
                        refresh.rows(),
                        source.bytesReceived() - bytesBefore,
                        Duration.ofNanos(System.nanoTime() - start))
                .withQuarantined(quarantined);
    }

    /**
     * One long poll of live mode: applies what the feed sends within {@code waitSeconds}. A version
     * update the feed's answer calls for is a sync of its own, run through {@code reported} so that it
     * is reported as one.
     */
    public void follow(int waitSeconds, Function<Supplier<SyncResult>, SyncResult> reported) {
        decide(follower.pull(waitSeconds), scope -> reported.apply(() -> update(scope)));
    }

    /** Closes what the feed's pulls reuse (the connection to the active database). */
    public void close() {
        follower.close();
    }

    private SyncResult update(Scope scope) {
        return new VersionUpdate(source, store, pageRows, events, follower).run(scope);
    }

    /** Applies changes until the server has none newer; returns how many. */
    private long catchUp() {
        long total = 0;
        while (true) {
            Pull pull = follower.pull(0);
            if (pull instanceof Pull.Applied applied) {
                total += applied.changes();
            } else if (pull instanceof Pull.MustReload reload) {
                total += reload.changes();
            }
            if (decide(pull, this::update)) {
                return total;
            }
        }
    }

    /**
     * What a pull's answer takes; returns whether the feed is drained (or not followed).
     *
     * @param update runs a version update
     */
    private boolean decide(Pull pull, Function<Scope, SyncResult> update) {
        if (pull instanceof Pull.Applied applied) {
            lostPositionRecoveries = 0;
            return applied.drained();
        }
        if (pull instanceof Pull.MustReload reload) {
            LOG.info("Downloading {} whole: the feed sent changes made before their new columns", reload.tables());
            update.apply(Scope.TABLES_TO_FOLLOW);
            return false;
        }
        if (pull instanceof Pull.MustMigrate migrate) {
            LOG.info("Migrating before applying more changes: {}", migrate.why());
            update.apply(Scope.IF_VERSION_CHANGED);
            return false;
        }
        if (pull instanceof Pull.PositionLost lost) {
            recover(lost.refusal(), update);
            return false;
        }
        return true; // not following
    }

    /**
     * Recovers from a position the feed refused, in at most two steps: first the version update (a
     * replica behind the server's schema continues from its position once it has the new schema), and
     * when that rebuilt nothing, or the feed refuses again, every table from a snapshot. A refusal
     * after that is reported, never looped on.
     */
    private void recover(OutpostException lost, Function<Scope, SyncResult> update) {
        if (lostPositionRecoveries == 2) {
            throw lost;
        }
        lostPositionRecoveries++;
        LOG.warn("{}: syncing from a snapshot", lost.getMessage());
        SyncResult result = lostPositionRecoveries == 1 ? update.apply(Scope.IF_VERSION_CHANGED) : null;
        if (result == null
                || result.outcome() == SyncResult.Outcome.UP_TO_DATE
                || result.outcome() == SyncResult.Outcome.RETAGGED) {
            update.apply(Scope.EVERY_TABLE);
            lostPositionRecoveries = 2;
        }
    }
}
