package dev.outpost.client.internal.feed;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.schema.DerbyTypes;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.verify.ReplicaDigest;
import dev.outpost.protocol.RowDigest;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a replica current from the server's change feed, after a sync built it. Each {@link #pull}
 * asks for the changes after the replica's stored position, applies them ({@link ChangeApplier}) and
 * says what it saw ({@link Pull}): changes applied, no feed to follow, a schema the replica does not
 * have yet, or a position the feed refused. It never rebuilds anything itself: the sync decides what
 * such an answer takes.
 */
public final class FeedFollower {
    private static final Logger LOG = LoggerFactory.getLogger(FeedFollower.class);

    private final ReplicaSource source;
    private final DerbyReplicaStore store;
    private final Consumer<SyncEvent> events;
    private final int limit;
    private final Set<String> olderShapes = new HashSet<>();
    private String tablesFingerprint;
    private Map<String, ReplicaTable> tables;
    /** Whether {@link #tables} was read from the server during the current sync ({@link #syncStarted}). */
    private boolean tablesReadThisSync;

    private Session session;

    /** @param limit most changes asked for in one answer */
    public FeedFollower(ReplicaSource source, DerbyReplicaStore store, Consumer<SyncEvent> events, int limit) {
        this.source = source;
        this.store = store;
        this.events = events;
        this.limit = limit;
    }

    /**
     * Asks once for the changes after the replica's position and applies them.
     *
     * @param waitSeconds live mode: how long the server may wait for a change when there is none
     */
    public Pull pull(int waitSeconds) {
        Session session;
        try {
            session = session();
        } catch (SchemaMoved e) {
            return new Pull.MustMigrate(e.getMessage()); // the server's schema moved on since the replica was built
        }
        if (session == null) {
            return Pull.NOT_FOLLOWING;
        }
        long appliedBefore = session.applier.applied();
        try {
            RowLines.End end = source.changes(
                    session.position, limit, waitSeconds, session.schemaFingerprint, session.applier::apply);
            long applied = session.applier.applied() - appliedBefore;
            session.position = Long.parseLong(end.next());
            if (applied > 0) {
                events.accept(new SyncEvent.ChangesApplied(applied, session.position));
            }
            Set<String> unfollowed = session.applier.unfollowed();
            if (!unfollowed.isEmpty()) {
                endSession(); // the feed state changed: the next pull reads it again
                return new Pull.MustReload(applied, unfollowed);
            }
            return new Pull.Applied(applied, end.rows() < limit && !source.lastChangesComplete());
        } catch (SchemaMoved e) {
            endSession();
            return new Pull.MustMigrate(e.getMessage());
        } catch (OutpostException e) {
            endSession(); // what was committed is stored; the next pull reads it back
            if (e.code() == ErrorCode.FEED_UNAVAILABLE) {
                // the server serves snapshots only for now: the tables are compared by digest instead
                // (refreshUnfollowed); when its feed starts again, it starts after a gap that this
                // replica's position predates, and the replica rebuilds then
                LOG.info("The server runs no change feed for now: {}", e.getMessage());
                return Pull.NOT_FOLLOWING;
            }
            if (e.code() != ErrorCode.FEED_POSITION_LOST) {
                throw e;
            }
            return new Pull.PositionLost(e);
        } catch (NumberFormatException e) {
            endSession();
            throw new OutpostException(
                    ErrorCode.PROTOCOL_ERROR, "The feed's position is not a number: " + e.getMessage());
        } catch (RuntimeException e) {
            endSession();
            throw e;
        }
    }

    /** Closes what pulls reuse (the connection to the active database). */
    public void close() {
        endSession();
    }

    /**
     * What pulls reuse while the active database stays the same: a connection with its prepared
     * statements, the replica's tables and the position (kept in memory after each answer, as stored).
     */
    private static final class Session {
        final String database;
        final String schemaFingerprint;
        final Connection connection;
        final ChangeApplier applier;
        long position;

        Session(
                String database,
                String schemaFingerprint,
                Connection connection,
                ChangeApplier applier,
                long position) {
            this.database = database;
            this.schemaFingerprint = schemaFingerprint;
            this.connection = connection;
            this.applier = applier;
            this.position = position;
        }
    }

    /**
     * The session for the active database, started when there is none or the active database changed;
     * {@code null} when the replica follows no feed.
     *
     * @throws SchemaMoved when the server's schema is no longer the replica's
     */
    private Session session() {
        Optional<String> database = store.currentName();
        if (session != null && database.equals(Optional.of(session.database))) {
            return session;
        }
        endSession();
        Optional<ReplicaStatus.Local> local = store.state();
        Optional<FeedState.State> feed = local.isPresent() ? FeedState.ofActive(store) : Optional.empty();
        if (feed.isEmpty()) {
            return null;
        }
        Map<String, ReplicaTable> replicaTables = tablesOf(local.get());
        if (replicaTables == null) {
            throw new SchemaMoved("the server's schema is no longer the replica's");
        }
        Connection c = store.connect();
        try {
            session = new Session(
                    database.orElseThrow(),
                    local.get().schemaFingerprint(),
                    c,
                    new ChangeApplier(c, replicaTables, feed.get(), this::older),
                    feed.get().position());
            return session;
        } catch (SQLException | RuntimeException e) {
            closeQuietly(c);
            throw e instanceof RuntimeException r
                    ? r
                    : new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot apply changes: " + e.getMessage(), e);
        }
    }

    private void endSession() {
        if (session != null) {
            try {
                session.applier.close();
            } catch (SQLException e) {
                LOG.debug("Closing the change statements failed", e);
            }
            closeQuietly(session.connection);
            session = null;
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("Closing a replica connection failed", e);
        }
    }

    /**
     * Brings the tables the feed does not follow (all of them when the server runs no feed, or serves
     * snapshots only for now) up to date:
     * a table whose rows differ from the server's (by the server's {@link
     * dev.outpost.protocol.TableDigest} next to the replica's, {@link ReplicaDigest}) is loaded again in
     * one Derby transaction ({@link SnapshotRefresh}); an unchanged one is left alone. When the
     * server's feed follows a table now that the replica does not, nothing is compared: the answer says
     * so ({@link Refresh#mustFollowMore()}), and such tables are rebuilt to follow them from then on.
     *
     * @param justLoaded tables this sync downloaded: current as of their snapshot, not compared again
     */
    public Refresh refreshUnfollowed(Collection<String> justLoaded) {
        Optional<ReplicaStatus.Local> local = store.state();
        if (local.isEmpty()) {
            return Refresh.NOTHING;
        }
        Optional<FeedState.State> feed = FeedState.ofActive(store);
        if (!tablesReadThisSync) {
            // which tables the feed follows changes without the fingerprint: read it now, unless this
            // sync has read it already
            tablesFingerprint = null;
        }
        Map<String, ReplicaTable> replicaTables = tablesOf(local.get());
        if (replicaTables == null) {
            return Refresh.NOTHING; // the next sync migrates first
        }
        List<ReplicaTable> held = local.get().tables().stream()
                .map(t -> replicaTables.get(t.name()))
                .filter(Objects::nonNull)
                .toList();
        Predicate<ReplicaTable> replicaFollows =
                t -> feed.map(f -> f.tables().containsKey(t.name())).orElse(false);
        if (feed.isPresent() && held.stream().anyMatch(t -> t.followed() && !replicaFollows.test(t))) {
            return Refresh.FOLLOW_MORE;
        }
        // followed: by the server's feed (now) and by the replica; every other table is compared
        List<ReplicaTable> unfollowed = held.stream()
                .filter(t -> !justLoaded.contains(t.name()) && !(t.followed() && replicaFollows.test(t)))
                .toList();
        List<String> reloaded = new ArrayList<>();
        long rows = 0;
        for (ReplicaTable table : unfollowed) {
            try (Connection c = store.connect()) {
                TableDigest server = source.digest(table.name());
                RowDigest replica = ReplicaDigest.of(c, table);
                if (server.rows() == replica.rows() && server.digest().equals(replica.hex())) {
                    LOG.debug("{} is unchanged on the server ({} rows): not reloaded", table.name(), server.rows());
                    continue;
                }
                long loaded = SnapshotRefresh.reload(source, c, table);
                LOG.info("Reloaded {}, whose rows changed on the server: {} rows", table.name(), loaded);
                events.accept(new SyncEvent.TableLoaded(table.name(), loaded));
                reloaded.add(table.name());
                rows += loaded;
            } catch (SQLException e) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "Cannot reload " + table.name() + ": " + e.getMessage(), e);
            }
        }
        return new Refresh(reloaded, rows, false);
    }

    /**
     * What {@link #refreshUnfollowed} did.
     *
     * @param tables the tables loaded again, their rows having changed on the server
     * @param rows the rows loaded
     * @param mustFollowMore whether the server's feed follows a table the replica does not (nothing
     *     was compared; the replica should rebuild such tables to follow them)
     */
    public record Refresh(List<String> tables, long rows, boolean mustFollowMore) {
        static final Refresh NOTHING = new Refresh(List.of(), 0, false);
        static final Refresh FOLLOW_MORE = new Refresh(List.of(), 0, true);

        /** Copies the list. */
        public Refresh {
            tables = List.copyOf(tables);
        }
    }

    /** What one {@link #pull} saw. */
    public sealed interface Pull {
        /** The replica follows no feed: the server runs none, or the replica was built without one. */
        Pull NOT_FOLLOWING = new NotFollowing();

        /**
         * Changes were applied.
         *
         * @param changes changes applied
         * @param drained whether the server had no more changes after these
         */
        record Applied(long changes, boolean drained) implements Pull {}

        /** See {@link #NOT_FOLLOWING}. */
        record NotFollowing() implements Pull {}

        /**
         * Changes were applied, and tables stopped following the feed: each had kept its held columns
         * when it gained new ones, and the feed then sent a change made under its old definition. They
         * must be downloaded whole.
         *
         * @param changes changes applied
         * @param tables the tables to download
         */
        record MustReload(long changes, Set<String> tables) implements Pull {}

        /** The server's schema is no longer the one the replica was built from: it must migrate first. */
        record MustMigrate(String why) implements Pull {}

        /**
         * The feed cannot continue from the replica's position (retention horizon, a gap, a position
         * newer than the feed, a schema the replica lacks: HTTP 409).
         */
        record PositionLost(OutpostException refusal) implements Pull {}
    }

    /**
     * A new sync starts: the server's schema read before it may have changed which tables the feed
     * follows, so {@link #refreshUnfollowed} reads it again unless the sync reads it first.
     */
    public void syncStarted() {
        tablesReadThisSync = false;
    }

    /**
     * The server's schema as the sync read it (its version update), so that the pulls and the
     * refresh that follow need not ask for it again.
     */
    public void schemaRead(String fingerprint, List<ReplicaTable> schemaTables) {
        tables = schemaTables.stream().collect(Collectors.toUnmodifiableMap(ReplicaTable::name, t -> t));
        tablesFingerprint = fingerprint;
        tablesReadThisSync = true;
        olderShapes.clear();
    }

    /**
     * Says that the next pull will ask for the changes after {@code after} with schema {@code
     * schemaFingerprint} (a rebuilt replica's first): the source may ask for them already, so that
     * the answer travels while the rebuild finishes.
     */
    public void expect(String schemaFingerprint, long after) {
        source.expectChanges(after, limit, schemaFingerprint);
    }

    /** The replica's tables when the server's schema is still the one it was built from, else {@code null}. */
    private Map<String, ReplicaTable> tablesOf(ReplicaStatus.Local local) {
        if (!Objects.equals(tablesFingerprint, local.schemaFingerprint())) {
            SchemaInfo schema = source.schema();
            if (!Objects.equals(schema.fingerprint(), local.schemaFingerprint())) {
                return null;
            }
            schemaRead(schema.fingerprint(), DerbyTypes.preflight(schema));
        }
        return tables;
    }

    /**
     * Whether {@code shape} is an older definition of {@code table}: the server's schema is still the
     * replica's, so the change predates the definition the replica was built from.
     */
    private boolean older(String table, String shape) {
        String key = table + '\0' + shape;
        if (olderShapes.contains(key)) {
            return true;
        }
        boolean older = Objects.equals(source.version().schemaFingerprint(), tablesFingerprint);
        if (older) {
            olderShapes.add(key);
        }
        return older;
    }
}
