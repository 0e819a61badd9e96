package dev.outpost.client;

import dev.outpost.protocol.VersionInfo;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The local replica's version next to the server's, as {@link OutpostReplica#status()} found them.
 *
 * @param replicaId the replica's id: a random UUID chosen when its directory was created and kept for
 *     its life (across rebuilds and changes of the server's database); every request to the server
 *     carries it. {@code null} only for a replica opened read-only that never had one
 * @param local the local replica, or {@code null} when none was synced yet
 * @param server the server's version, or {@code null} when it could not be asked
 * @param serverError why the server could not be asked, or {@code null}
 * @param pending an unfinished rebuild kept for the next sync to resume, or {@code null}: one is kept
 *     only after a failure the next sync can get past (the network, the server); a local failure (a
 *     full disk, a row Derby refused) deletes it at once, so that it never holds the disk
 */
public record ReplicaStatus(
        UUID replicaId, Local local, VersionInfo server, OutpostException serverError, Pending pending) {

    /**
     * An unfinished rebuild kept on disk.
     *
     * @param database its database directory ({@code db-<n>})
     * @param bytes the disk space it holds
     */
    public record Pending(String database, long bytes) {}

    /**
     * Whether a replica and the server's version are both known and agree (tag, fingerprint and the
     * server's database).
     */
    public boolean upToDate() {
        return local != null
                && server != null
                && Objects.equals(local.database(), server.database())
                && Objects.equals(local.tag(), server.tag())
                && Objects.equals(local.schemaFingerprint(), server.schemaFingerprint());
    }

    /**
     * The active local replica.
     *
     * @param tag server tag it was built from ({@code null} for an untagged history)
     * @param schemaFingerprint fingerprint of the schema it was built from
     * @param latestChangeSet id of the server's latest changeset at that time, or {@code null}
     * @param syncedAt when it was built
     * @param tables its tables
     * @param database the identity of the server's database it was built from ({@link
     *     VersionInfo#database()}), {@code null} when unknown
     * @param feedPosition the server's change feed position the replica has applied the changes up to
     *     (whole server transactions; opaque, only ever moving forward), {@code null} when it follows
     *     no change feed
     */
    public record Local(
            String tag,
            String schemaFingerprint,
            String latestChangeSet,
            Instant syncedAt,
            List<Table> tables,
            String database,
            Long feedPosition) {
        /** Copies the table list. */
        public Local {
            tables = List.copyOf(tables);
        }
    }

    /**
     * One table of the replica.
     *
     * @param name table name as on the server
     * @param fingerprint the server's fingerprint of its definition
     * @param rows rows it holds ({@link OutpostReplica#status()}: now; elsewhere: as of its last download)
     */
    public record Table(String name, String fingerprint, long rows) {}
}
