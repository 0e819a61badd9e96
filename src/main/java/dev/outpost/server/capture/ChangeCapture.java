package dev.outpost.server.capture;

import dev.outpost.server.schema.SyncScope;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * The capture loop (see the package comment for its invariants). Runs until {@link #stop()}: while
 * another instance holds the capture lock it waits and retries; after any failure it reconnects and
 * continues from the slot's acknowledged position.
 */
public final class ChangeCapture implements Runnable {
    private static final Logger LOG = Logger.getLogger(ChangeCapture.class.getName());
    private static final long RETRY_MILLIS = 1_000;
    private static final long SCHEMA_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_SLEEP_MILLIS = 1;

    private final CaptureConnections connections;
    private final SyncScope scope;
    private final LongConsumer stored;
    private volatile boolean running = true;
    private volatile boolean capturing;

    /**
     * @param scope the synced tables
     * @param stored told the newest position after each stored transaction
     */
    public ChangeCapture(CaptureConnections connections, SyncScope scope, LongConsumer stored) {
        this.connections = connections;
        this.scope = scope;
        this.stored = stored;
    }

    /** Whether this instance is the capturer right now. */
    public boolean capturing() {
        return capturing;
    }

    /** Asks the loop to end; it does within a few milliseconds. */
    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        while (running) {
            try {
                captureWhileLeader();
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, "change capture failed; retrying in " + RETRY_MILLIS + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                capturing = false;
            }
            sleep(RETRY_MILLIS);
        }
    }

    private void captureWhileLeader() throws SQLException, InterruptedException {
        try (Connection control = connections.open()) {
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
                LOG.info("capturing changes of schemas " + scope.schemas() + " from slot " + slot);
                stream(control, reader, writer, published, slot);
            }
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
            while (running) {
                ByteBuffer message = stream.readPending();
                if (message == null) {
                    if (!inTransaction && System.nanoTime() >= nextSchemaCheck) {
                        published.refresh(control, writer.lastPosition());
                        nextSchemaCheck = System.nanoTime() + SCHEMA_CHECK_NANOS;
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
            LOG.warning("replication slot " + slot + " was invalidated (max_slot_wal_keep_size); replacing it");
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
        LOG.info("created replication slot " + slot);
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
