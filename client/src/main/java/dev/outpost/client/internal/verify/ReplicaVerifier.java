package dev.outpost.client.internal.verify;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.VerifyResult;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.schema.DerbyTypes;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.RowDigest;
import dev.outpost.protocol.TableDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares the replica with the server table by table: the server's {@link TableDigest} next to the
 * same digest over the replica's values. Tables whose definition changed on the server since the
 * last sync are reported, not compared. The server and the replica are read one after the other:
 * while the server's tables are written to, a difference may be a change that no sync has fetched.
 */
public final class ReplicaVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaVerifier.class);

    private final ReplicaSource source;

    public ReplicaVerifier(ReplicaSource source) {
        this.source = source;
    }

    /**
     * Verifies every synced table.
     *
     * @param local the active replica
     * @param connections opens a connection to it
     */
    public VerifyResult verify(ReplicaStatus.Local local, Supplier<Connection> connections) {
        long start = System.nanoTime();
        List<ReplicaTable> tables = DerbyTypes.preflight(source.schema());
        Map<String, String> fingerprints = new HashMap<>();
        local.tables().forEach(t -> fingerprints.put(t.name(), t.fingerprint()));
        List<VerifyResult.Table> checked = new ArrayList<>();
        try (Connection c = connections.get()) {
            for (ReplicaTable table : tables) {
                TableDigest server = source.digest(table.name());
                String fingerprint = fingerprints.remove(table.name());
                if (fingerprint == null) {
                    checked.add(notCompared(server, "not in the replica (run sync)"));
                } else if (!fingerprint.equals(table.fingerprint())) {
                    checked.add(notCompared(server, "definition changed on the server (run sync)"));
                } else {
                    RowDigest replica = ReplicaDigest.of(c, table);
                    checked.add(new VerifyResult.Table(
                            table.name(), server.rows(), replica.rows(), server.digest(), replica.hex(), null));
                }
                LOG.debug("Verified {}: {}", table.name(), checked.get(checked.size() - 1));
            }
        } catch (SQLException e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot read the replica: " + e.getMessage(), e);
        }
        fingerprints
                .keySet()
                .forEach(name -> checked.add(new VerifyResult.Table(
                        name, 0, -1, null, null, "in the replica but no longer synced by the server (run sync)")));
        VerifyResult result = new VerifyResult(checked, Duration.ofNanos(System.nanoTime() - start));
        LOG.info("Verified {} tables: {}", checked.size(), result.matches() ? "equal" : "different");
        return result;
    }

    private static VerifyResult.Table notCompared(TableDigest server, String problem) {
        return new VerifyResult.Table(server.table(), server.rows(), -1, server.digest(), null, problem);
    }
}
