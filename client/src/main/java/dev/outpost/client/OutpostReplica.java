package dev.outpost.client;

import dev.outpost.client.internal.http.SyncHttpClient;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.sync.ReplicaSource;
import dev.outpost.client.internal.sync.ReplicaSync;
import dev.outpost.client.internal.verify.ReplicaVerifier;
import dev.outpost.protocol.VersionInfo;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An offline read replica of the server's synced tables, in an embedded Derby database inside {@link
 * ReplicaConfig#directory()}.
 *
 * <p><b>Consistency:</b> {@link #openConnection()} always reaches a complete replica. {@link #sync()}
 * builds a new database beside the active one and switches to it atomically only when it is complete;
 * if the sync fails at any point before that, the previous replica stays exactly as it was. After a
 * rebuild, connections opened before it are closed by Derby: open new ones.
 *
 * <p>One process at a time may open a replica directory. Methods are thread-safe; syncs run one at a
 * time.
 */
public final class OutpostReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutpostReplica.class);

    private final ReplicaConfig config;
    private final DerbyReplicaStore store;
    private final ReplicaSource source;
    private final List<SyncListener> listeners = new CopyOnWriteArrayList<>();

    private OutpostReplica(ReplicaConfig config, DerbyReplicaStore store, ReplicaSource source) {
        this.config = config;
        this.store = store;
        this.source = source;
    }

    /**
     * Opens the replica directory (creating it when missing) and removes leftovers of an unfinished
     * rebuild. Does not contact the server.
     *
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when the directory cannot be used
     */
    public static OutpostReplica open(ReplicaConfig config) {
        ReplicaSource source = config.serverUrl() == null
                ? null
                : new SyncHttpClient(
                        config.serverUrl(), config.token(), config.connectTimeout(), config.requestTimeout());
        return open(config, source);
    }

    /** Opens the replica with another source of data (tests). */
    static OutpostReplica open(ReplicaConfig config, ReplicaSource source) {
        return new OutpostReplica(config, DerbyReplicaStore.open(config.directory()), source);
    }

    /**
     * Brings the replica up to date: nothing to do when its tag and schema fingerprint equal the
     * server's, otherwise a full rebuild (see the class comment).
     *
     * @throws OutpostException on any failure, after telling the listeners ({@link SyncEvent.SyncFailed})
     */
    public synchronized SyncResult sync() {
        try {
            if (source == null) {
                throw new OutpostException(ErrorCode.CONFIG_INVALID, "Cannot sync: serverUrl is not set");
            }
            return new ReplicaSync(source, store, config.pageRows(), this::fire).run();
        } catch (RuntimeException e) {
            OutpostException error = e instanceof OutpostException o
                    ? o
                    : new OutpostException(ErrorCode.REPLICA_ERROR, "Sync failed: " + e, e);
            fire(new SyncEvent.SyncFailed(error));
            throw error;
        }
    }

    /**
     * The local replica's version and tables, and the server's version when it can be reached (never
     * fails because of the server).
     */
    public ReplicaStatus status() {
        ReplicaStatus.Local local = store.state().orElse(null);
        if (source == null) {
            return new ReplicaStatus(
                    local,
                    null,
                    new OutpostException(ErrorCode.CONFIG_INVALID, "No server configured (serverUrl is not set)"));
        }
        try {
            VersionInfo server = source.version();
            return new ReplicaStatus(local, server, null);
        } catch (OutpostException e) {
            return new ReplicaStatus(local, null, e);
        }
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

    /** Shuts the replica database down and releases the directory. */
    @Override
    public synchronized void close() {
        if (source instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing the HTTP client failed", e);
            }
        }
        store.close();
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
