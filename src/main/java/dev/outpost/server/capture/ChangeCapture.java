package dev.outpost.server.capture;

import dev.outpost.protocol.Backoff;
import dev.outpost.server.catalog.SyncScope;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * The capture loop (see the package comment for its invariants). Runs until {@link #stop()}: while
 * another instance holds the capture lock it waits and retries every second; after a failure it
 * reconnects with a growing delay ({@link Backoff}: 1 s doubling to a minute) and continues from the
 * slot's acknowledged position.
 *
 * <p>Each attempt first checks that the database has logical decoding ({@code wal_level=logical}).
 * Without it nothing else is done: no table, publication, gap or slot is created, so the feed's
 * positions stay as they are and clients sync by snapshots ({@link FeedMode}). The loop keeps checking,
 * and starts capturing by itself once PostgreSQL runs with {@code wal_level=logical}. A failure is
 * logged once, with its cause; the same failure again is logged at {@code FINE} only.
 */
public final class ChangeCapture implements Runnable {
    private static final Logger LOG = Logger.getLogger(ChangeCapture.class.getName());
    private static final long STANDBY_MILLIS = 1_000;
    private static final long SCHEMA_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_SLEEP_MILLIS = 1;

    private final CaptureConnections connections;
    private final SyncScope scope;
    private final LongConsumer stored;
    private final Backoff backoff;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean capturing;
    private String lastFailure;

    /**
     * @param scope the synced tables
     * @param stored told the newest position after each stored transaction
     */
    public ChangeCapture(CaptureConnections connections, SyncScope scope, LongConsumer stored) {
        this(connections, scope, stored, new Backoff(1_000, 60_000));
    }

    ChangeCapture(CaptureConnections connections, SyncScope scope, LongConsumer stored, Backoff backoff) {
        this.connections = connections;
        this.scope = scope;
        this.stored = stored;
        this.backoff = backoff;
    }

    /** Whether this instance is the capturer right now. */
    public boolean capturing() {
        return capturing;
    }

    /** How many attempts to capture have failed since the loop started. */
    long failedAttempts() {
        return failedAttempts.get();
    }

    /** Asks the loop to end; it does within a few milliseconds. */
    public void stop() {
        running = false;
        stopped.countDown();
    }

    /** Waits until the loop has ended (after {@link #stop()}); whether it did within {@code millis}. */
    public boolean awaitEnd(long millis) throws InterruptedException {
        return ended.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void run() {
        try {
            while (running) {
                long pause = STANDBY_MILLIS;
                try {
                    captureWhileLeader();
                    backoff.reset(); // another instance captures, or stop() was called
                } catch (NoLogicalDecoding e) {
                    pause = failed(e.getMessage(), null);
                } catch (SQLException e) {
                    pause = failed(
                            "change capture failed: " + e.getMessage() + " (SQL state " + e.getSQLState() + ")", e);
                } catch (RuntimeException e) {
                    pause = failed("change capture failed: " + e, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } finally {
                    capturing = false;
                }
                pause(pause);
            }
        } finally {
            ended.countDown();
        }
    }

    /** Logs a failed attempt (once while it repeats) and returns the delay before the next one. */
    private long failed(String cause, Exception failure) {
        failedAttempts.incrementAndGet();
        long delay = backoff.next();
        if (cause.equals(lastFailure)) {
            LOG.log(Level.FINE, failure, () -> cause + "; still failing, next attempt in " + delay + " ms");
        } else {
            lastFailure = cause;
            String retry = " (checking again with a growing delay, next in " + delay + " ms)";
            if (failure instanceof RuntimeException) {
                LOG.log(Level.WARNING, failure, () -> cause + retry);
            } else {
                LOG.log(Level.WARNING, () -> cause + retry);
                if (failure != null) {
                    LOG.log(Level.FINE, "change capture failure", failure);
                }
            }
        }
        return delay;
    }

    private void captureWhileLeader() throws SQLException, InterruptedException, NoLogicalDecoding {
        try (Connection control = connections.open()) {
            requireLogicalDecoding(control);
            if (!tryLock(control)) {
                return;
            }
            FeedTables.create(control);
            try (Connection reader = connections.open();
                    ChangeLogWriter writer = new ChangeLogWriter(connections.open())) {
                PublishedSchema published = new PublishedSchema(scope);
                published.refresh(control, writer.lastPosition());
                String slot = FeedTables.slot(control);
                if (slotMissing(control, slot)) {
                    // the gap is recorded before the slot exists: a crash in between costs an extra
                    // rebuild, never a silently missed change
                    published.gap(control, writer.reserve());
                    createSlot(control, slot);
                }
                capturing = true;
                backoff.reset();
                lastFailure = null;
                LOG.log(Level.INFO, "capturing changes of schemas {0} from slot {1}", new Object[] {
                    scope.schemas(), slot
                });
                stream(control, reader, writer, published, slot);
            }
        }
    }

    /**
     * Refuses to go on without logical decoding, before anything is written: a slot cannot be created
     * then, and a gap recorded for it would only move the feed's horizon for nothing.
     */
    private static void requireLogicalDecoding(Connection control) throws SQLException, NoLogicalDecoding {
        try (Statement st = control.createStatement();
                ResultSet rs = st.executeQuery("select current_setting('wal_level')")) {
            rs.next();
            String walLevel = rs.getString(1);
            if (!FeedMode.hasLogicalDecoding(walLevel)) {
                throw new NoLogicalDecoding(FeedMode.walLevelReason(walLevel));
            }
        }
    }

    /** The database cannot decode its WAL logically ({@code wal_level} below {@code logical}). */
    private static final class NoLogicalDecoding extends Exception {
        NoLogicalDecoding(String message) {
            super(message, null, false, false);
        }
    }

    private void stream(
            Connection control, Connection reader, ChangeLogWriter writer, PublishedSchema published, String slot)
            throws SQLException, InterruptedException {
        ChangeTranslator translator = new ChangeTranslator(scope, published::tables, reader);
        try (Connection replication = connections.openReplication()) {
            PGReplicationStream stream = replication
                    .unwrap(PGConnection.class)
                    .getReplicationAPI()
                    .replicationStream()
                    .logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", 1)
                    .withSlotOption("publication_names", FeedTables.PUBLICATION)
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            boolean skipping = false;
            long nextSchemaCheck = System.nanoTime() + SCHEMA_CHECK_NANOS;
            boolean inTransaction = false;
            CaughtUp progress = new CaughtUp();
            while (running) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (!inTransaction) {
                        if (System.nanoTime() >= nextSchemaCheck) {
                            published.refresh(control, writer.lastPosition());
                            nextSchemaCheck = System.nanoTime() + SCHEMA_CHECK_NANOS;
                        }
                        progress.caughtUp(stream);
                    }
                    Thread.sleep(IDLE_SLEEP_MILLIS);
                    continue;
                }
                PgOutput.Message decoded = PgOutput.decode(message);
                if (decoded instanceof PgOutput.Begin begin) {
                    inTransaction = true;
                    skipping = writer.alreadyStored(begin.finalLsn());
                    writer.begin(begin.finalLsn());
                } else if (decoded instanceof PgOutput.Commit commit) {
                    inTransaction = false;
                    if (!skipping) {
                        boolean changed = writer.hasChanges();
                        writer.commit(commit.commitLsn());
                        if (changed) {
                            stored.accept(writer.lastPosition());
                        }
                    }
                    // only now, with the transaction durable in the change log, may the slot move on
                    LogSequenceNumber end = LogSequenceNumber.valueOf(commit.endLsn());
                    stream.setAppliedLSN(end);
                    stream.setFlushedLSN(end);
                } else if (decoded instanceof PgOutput.Relation relation) {
                    if (translator.relation(relation)) {
                        nextSchemaCheck = 0; // the next idle moment re-reads the catalog
                    }
                } else if (!skipping) {
                    translator.translate(decoded, writer::add);
                }
            }
            stream.forceUpdateStatus();
        }
    }

    private static boolean tryLock(Connection control) throws SQLException {
        try (PreparedStatement ps = control.prepareStatement("select pg_try_advisory_lock(?)")) {
            ps.setLong(1, FeedTables.CAPTURE_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Whether the slot must be created: it is missing, or PostgreSQL invalidated it (its WAL went past
     * {@code max_slot_wal_keep_size} while no instance was capturing), in which case it is dropped here.
     * Either way the feed has a gap: nothing before the new slot's creation can be captured.
     */
    private static boolean slotMissing(Connection control, String slot) throws SQLException {
        try (Statement st = control.createStatement();
                ResultSet rs = st.executeQuery(
                        "select wal_status = 'lost' from pg_replication_slots where slot_name = '" + slot + "'")) {
            if (!rs.next()) {
                return true;
            }
            if (!rs.getBoolean(1)) {
                return false;
            }
            LOG.log(Level.WARNING, "replication slot {0} was invalidated (max_slot_wal_keep_size); replacing it", slot);
            try (Statement drop = control.createStatement()) {
                drop.execute("select pg_drop_replication_slot('" + slot + "')");
            }
            return true;
        }
    }

    private static void createSlot(Connection control, String slot) throws SQLException {
        try (Statement st = control.createStatement()) {
            st.execute("select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        }
        LOG.log(Level.INFO, "created replication slot {0}", slot);
    }

    /**
     * Drops this database's replication slot unless an instance is reading it, so that PostgreSQL no
     * longer keeps WAL for a feed nobody captures; returns whether it dropped one. The next capturer
     * creates a new slot, which is a gap in the feed.
     */
    static boolean dropSlot(CaptureConnections connections) throws SQLException {
        try (Connection c = connections.open()) {
            String slot = FeedTables.slot(c);
            try (PreparedStatement ps = c.prepareStatement("select pg_drop_replication_slot(slot_name)"
                    + " from pg_replication_slots where slot_name = ? and not active")) {
                ps.setString(1, slot);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        }
    }

    private void pause(long millis) {
        try {
            stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
