package dev.outpost.client;

import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.http.SyncHttpClient;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.client.internal.sync.ReplicaSync;
import dev.outpost.client.internal.sync.SyncReports;
import dev.outpost.client.internal.verify.ReplicaVerifier;
import dev.outpost.protocol.Backoff;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.SyncReport;
import dev.outpost.protocol.VersionInfo;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline read replica of the server's synced tables, in an embedded Derby database inside {@link
 * ReplicaConfig#directory()}.
 *
 * <p><b>Consistency:</b> {@link #openConnection()} always reaches a complete replica. {@link #sync()}
 * builds a new database beside the active one (downloading only new and changed tables, copying the
 * others locally) and switches to it atomically only when it is complete and each table's row count
 * equals what the server sent for it (or, for a copied table, its source's); if the sync fails or the
 * process dies at any point before that, the previous replica stays exactly as it was, and the next
 * sync for the same server version resumes the new database from its last stored page. A connection
 * keeps reading the version it was opened on, also across a migration (the replaced database is
 * deleted when its last connection closes): open a new connection to see the new version.
 *
 * <p>One process at a time may open a replica directory. Methods are thread-safe; syncs run one at a
 * time.
 *
 * <p>The replica is named by a random id chosen when its directory is created and kept for its life
 * ({@link ReplicaStatus#replicaId()}); every request to the server carries it, and after each sync,
 * successful or not, the replica reports what it did ({@code POST sync/reports}, best effort: a report
 * the server does not take never fails the sync). The changes live mode applies between syncs are
 * not reported: the server sees the replica's position in its requests.
 */
public final class OutpostReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutpostReplica.class);

    private final ReplicaConfig config;
    private final DerbyReplicaStore store;
    private final ReplicaSource source;
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();
    /** Longest wait of one long poll in live mode. */
    public static final int LIVE_WAIT_SECONDS = 20;

    /** Pauses of live mode after a failure: 1 s, doubling to 30 s, jittered ({@link Backoff}). */
    private static final long LIVE_FIRST_PAUSE_MILLIS = 1_000;

    private static final long LIVE_LONGEST_PAUSE_MILLIS = 30_000;

    /** How long closing waits for a background sync to end after its requests were stopped, before interrupting it. */
    private static final long BACKGROUND_STOP_GRACE_MILLIS = 500;

    /** Guards starting and stopping live mode; never the replica's lock, which a long poll holds. */
    private final Object lifecycle = new Object();

    private volatile ScheduledExecutorService scheduler;
    private LiveThread live;
    private boolean closed;
    private ReplicaSync sync;

    private OutpostReplica(ReplicaConfig config, DerbyReplicaStore store, ReplicaSource source) {
        this.config = config;
        this.store = store;
        this.source = source;
    }

    /**
     * Opens the replica directory (creating it when missing) and removes leftovers of an unfinished
     * rebuild. A replica on a read-only file system is opened for reading only: {@link #openConnection()}
     * and {@link #status()} work, a sync is refused. Does not contact the server.
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when the directory cannot be used
     */
    public static OutpostReplica open(ReplicaConfig config) {
        DerbyReplicaStore store = DerbyReplicaStore.open(config.directory());
        ReplicaSource source = config.serverUrl() == null
                ? null
                : new SyncHttpClient(
                        config.serverUrl(),
                        config.token(),
                        config.connectTimeout(),
                        config.requestTimeout(),
                        store.replicaId(),
                        config.compression());
        return new OutpostReplica(config, store, source);
    }

    /** Opens the replica with another source of data (tests). */
    static OutpostReplica open(ReplicaConfig config, ReplicaSource source) {
        return new OutpostReplica(config, DerbyReplicaStore.open(config.directory()), source);
    }

    /**
     * Brings the replica up to date: nothing to do when its tag and schema fingerprint equal the
     * server's; only the new version recorded when no table changed; otherwise a new database with the
     * new and changed tables downloaded (see the class comment).
     *
     * @throws OutpostException on any failure, after telling the listeners ({@link SyncEvent.SyncFailed})
     */
    public synchronized SyncResult sync() {
        return sync(ReplicaSync.Scope.IF_VERSION_CHANGED);
    }

    /**
     * Downloads every table again into a new database that replaces the active one (see the class
     * comment), whatever the version check says; then applies the feed's changes as {@link #sync()}
     * does. For an operator who has reason to distrust the replica's contents.
     *
     * @throws OutpostException on any failure, after telling the listeners ({@link SyncEvent.SyncFailed})
     */
    public synchronized SyncResult rebuild() {
        return sync(ReplicaSync.Scope.EVERY_TABLE);
    }

    private SyncResult sync(ReplicaSync.Scope scope) {
        return reported(() -> syncOnce(scope), this::failed);
    }

    /** Runs {@code sync} and reports how it ended; a failure is turned into the error it throws by {@code asError}. */
    private SyncResult reported(Supplier<SyncResult> sync, Function<RuntimeException, OutpostException> asError) {
        long start = System.nanoTime();
        long bytesAtStart = source == null ? 0 : source.bytesReceived();
        try {
            SyncResult result = sync.get();
            report(() -> SyncReports.succeeded(result, store));
            return result;
        } catch (RuntimeException e) {
            OutpostException error = asError.apply(e);
            report(() -> SyncReports.failed(
                    error, source.bytesReceived() - bytesAtStart, Duration.ofNanos(System.nanoTime() - start), store));
            throw error;
        }
    }

    /** One sync, without its report: the version update, then the feed's changes. */
    private SyncResult syncOnce(ReplicaSync.Scope scope) {
        if (source == null) {
            throw new OutpostException(ErrorCode.CONFIG_INVALID, "Cannot sync: serverUrl is not set");
        }
        if (store.readOnly()) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR,
                    "Cannot sync: the replica " + config.directory()
                            + " is on a read-only file system (it can be read, not updated)");
        }
        return replicaSync().sync(scope);
    }

    /**
     * Syncs, then keeps applying the server's changes as they are committed (long polls of {@value
     * #LIVE_WAIT_SECONDS} s), until {@link #stopLiveSync()} or {@link #close()}; also checks the server's version every {@link
     * ReplicaConfig#checkInterval()} (default one minute) for changes the feed does not carry (a new
     * tag, tables the feed does not follow). Runs on a background thread; failures are reported to the
     * listeners ({@link SyncEvent.SyncFailed}) and retried after a pause that grows from 1 s to 30 s,
     * jittered so that a site's replicas do not all call at once when its uplink comes back, except a refused token, which
     * stops live mode ({@link SyncEvent.LiveSyncStopped}): a revoked device is cut off, not retrying.
     *
     * @throws OutpostException {@link ErrorCode#CONFIG_INVALID} without a server URL
     */
    public void startLiveSync() {
        if (source == null) {
            throw new OutpostException(ErrorCode.CONFIG_INVALID, "Live sync needs serverUrl to be set");
        }
        synchronized (lifecycle) {
            if (closed) {
                throw new OutpostException(ErrorCode.CONFIG_INVALID, "The replica is closed");
            }
            if (live != null && live.isAlive()) {
                return;
            }
            live = new LiveThread("outpost-live " + config.directory(), this::followLive);
        }
    }

    /**
     * Ends live mode within about a second and returns when it has ended; the replica stays open. The
     * long poll or download in progress is abandoned at once (no waiting for the server); changes being
     * applied are committed whole server transactions at a time with the feed position, so a stop
     * keeps what was committed and rolls back the rest: the replica is complete as of its {@linkplain
     * ReplicaStatus.Local#feedPosition() feed position}, and the next sync continues from there. A
     * sync another thread runs at that moment fails with {@link ErrorCode#STOPPED}. Does nothing when
     * live mode is not running.
     */
    public void stopLiveSync() {
        synchronized (lifecycle) {
            LiveThread running = live;
            live = null;
            if (running == null) {
                return;
            }
            running.stop(source);
        }
    }

    private void followLive(CountDownLatch stop) {
        long checkNanos = (config.checkInterval() == null ? Duration.ofMinutes(1) : config.checkInterval()).toNanos();
        long nextCheck = System.nanoTime();
        Backoff backoff = new Backoff(LIVE_FIRST_PAUSE_MILLIS, LIVE_LONGEST_PAUSE_MILLIS);
        while (stop.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
            try {
                if (System.nanoTime() - nextCheck >= 0) {
                    sync();
                    nextCheck = System.nanoTime() + checkNanos;
                }
                pullLive();
                backoff.reset();
            } catch (OutpostException e) {
                if (stop.getCount() == 0 || e.code() == ErrorCode.STOPPED) {
                    return;
                }
                if (e.code() == ErrorCode.AUTHENTICATION_FAILED) {
                    LOG.error("Live sync stopped: {}", e.getMessage());
                    fire(new SyncEvent.LiveSyncStopped(e));
                    return;
                }
                long pause = backoff.next();
                LOG.warn("Live sync failed, retrying in {} ms: {}", pause, e.getMessage());
                if (LiveThread.stopped(stop, pause)) {
                    return;
                }
                nextCheck = System.nanoTime();
            }
        }
    }

    /** One long poll; a version update it calls for is reported as a sync of its own. */
    private synchronized void pullLive() {
        try {
            replicaSync().follow(LIVE_WAIT_SECONDS, update -> reported(update, OutpostReplica::asOutpostException));
        } catch (RuntimeException e) {
            throw failed(e);
        }
    }

    /**
     * Sends a sync's report, best effort: never when the replica has no server or cannot sync (read
     * only), and a report that cannot be built or sent is only logged.
     */
    private void report(Supplier<SyncReport> report) {
        if (source == null || store.readOnly()) {
            return;
        }
        try {
            source.report(report.get());
        } catch (RuntimeException e) {
            LOG.debug("The sync report was not sent", e);
        }
    }

    private ReplicaSync replicaSync() {
        if (sync == null) {
            sync = new ReplicaSync(source, store, config.pageRows(), SyncPaths.DEFAULT_CHANGE_ROWS, this::fire);
        }
        return sync;
    }

    /** Tells the listeners about a failed sync; returns the failure as an {@link OutpostException}. */
    private OutpostException failed(RuntimeException e) {
        OutpostException error = asOutpostException(e);
        fire(new SyncEvent.SyncFailed(error));
        return error;
    }

    private static OutpostException asOutpostException(RuntimeException e) {
        return e instanceof OutpostException o
                ? o
                : new OutpostException(ErrorCode.REPLICA_ERROR, "Sync failed: " + e, e);
    }

    /**
     * Checks the server now and then every {@link ReplicaConfig#checkInterval()} on a background
     * thread, syncing when it changed, while the application keeps reading. Failures are reported to
     * the listeners ({@link SyncEvent.SyncFailed}) and retried at the next check. Stopped by {@link
     * #close()}.
     *
     * @throws OutpostException {@link ErrorCode#CONFIG_INVALID} without a server URL or check interval
     */
    public synchronized void startBackgroundSync() {
        if (source == null || config.checkInterval() == null) {
            throw new OutpostException(
                    ErrorCode.CONFIG_INVALID, "A background sync needs serverUrl and checkInterval to be set");
        }
        if (scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "outpost-sync " + config.directory());
            thread.setDaemon(true);
            return thread;
        });
        long millis = config.checkInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::backgroundSync, 0, millis, TimeUnit.MILLISECONDS);
    }

    private void backgroundSync() {
        try {
            sync();
        } catch (OutpostException e) {
            LOG.warn("Background sync failed, retrying at the next check: {}", e.getMessage());
        }
    }

    /**
     * The local replica's version and tables (with the rows each holds now), and the server's version
     * when it can be reached (never fails because of the server).
     */
    public ReplicaStatus status() {
        ReplicaStatus.Local local = store.stateWithCurrentRows().orElse(null);
        ReplicaStatus.Pending pending = store.pendingRebuild().orElse(null);
        if (source == null) {
            return new ReplicaStatus(
                    store.replicaId(),
                    local,
                    null,
                    new OutpostException(ErrorCode.CONFIG_INVALID, "No server configured (serverUrl is not set)"),
                    pending);
        }
        try {
            VersionInfo server = source.version();
            return new ReplicaStatus(store.replicaId(), local, server, null, pending);
        } catch (OutpostException e) {
            return new ReplicaStatus(store.replicaId(), local, null, e, pending);
        }
    }

    /**
     * The local replica's version and {@linkplain ReplicaStatus.Local#feedPosition() feed position} as
     * stored, without asking the server (each table's rows as of its last download); empty when none
     * was synced yet.
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when the replica cannot be read
     */
    public Optional<ReplicaStatus.Local> localState() {
        return store.state();
    }

    /**
     * The values of the replica that Derby cannot hold, per table and column: each is stored as NULL
     * in its row, with its exact PostgreSQL text in the replica table {@code OUTPOST_QUARANTINE}. Empty
     * when there is no replica or every value is held natively.
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when the replica cannot be read
     */
    public List<Quarantined> quarantined() {
        return Quarantine.held(store);
    }

    /**
     * Compares the replica with the server, table by table (row count and an order-independent hash
     * of the rows, computed on both sides). Reads every row of both; changes nothing.
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when no replica was synced yet, or the
     *     server's errors
     */
    public synchronized VerifyResult verify() {
        if (source == null) {
            throw new OutpostException(ErrorCode.CONFIG_INVALID, "Cannot verify: serverUrl is not set");
        }
        ReplicaStatus.Local local = store.state()
                .orElseThrow(() -> new OutpostException(ErrorCode.REPLICA_ERROR, "No replica to verify: sync first"));
        return new ReplicaVerifier(source).verify(local, store::connect);
    }

    /**
     * A new JDBC connection to the replica, for reading. Unquoted names work as in PostgreSQL for
     * lower-case tables and columns ({@code select * from users}); other names are quoted exactly as
     * on the server ({@code select "order" from "user"}).
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when no replica was synced yet
     */
    public Connection openConnection() {
        return store.connect();
    }

    /** Adds a listener for the events of future syncs. */
    public void addListener(SyncListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Stops live mode ({@link #stopLiveSync()}: within about a second, keeping what was committed) and
     * a background sync, shuts the replica database down and releases the directory. Closing again
     * does nothing.
     */
    @Override
    public void close() {
        // not under the replica's lock: a long poll holds it for up to LIVE_WAIT_SECONDS
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            stopLiveSync();
        }
        ScheduledExecutorService running = scheduler;
        if (running != null) {
            source.stopRequests(); // for good: the replica is closing
            running.shutdown();
            try {
                if (!running.awaitTermination(BACKGROUND_STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
                    running.shutdownNow(); // an interrupted Derby connection rolls back: nothing half-done is kept
                    running.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeStore();
    }

    private synchronized void closeStore() {
        long start = System.nanoTime();
        if (sync != null) {
            sync.close();
        }
        if (source instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing the HTTP client failed", e);
            }
        }
        store.close();
        LOG.info(
                "Replica {} closed in {} ms",
                config.directory(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private void fire(SyncEvent event) {
        for (SyncListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("A sync listener failed on {}", event, e);
            }
        }
    }
}
