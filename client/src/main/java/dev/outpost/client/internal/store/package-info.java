/**
 * The replica on disk: a directory of Derby databases of which exactly one is active. No
 * compatibility promises.
 *
 * <p>Layout: {@code CURRENT} names the active database subdirectory ({@code db-<n>}); {@code LOCK} is
 * held by the process that has the replica open; {@code REPLICA_ID} names the replica for its life
 * ({@code ReplicaId}: it belongs to the directory, not to any one database); {@code derby.log} is
 * Derby's own log. The replica's version, fingerprints and sync state live inside each database ({@link
 * dev.outpost.client.internal.store.ReplicaMetadata}), never in a side file, as do the tables' column
 * definitions ({@link dev.outpost.client.internal.store.HeldColumns}) and the values Derby cannot hold
 * ({@link dev.outpost.client.internal.store.Quarantine}).
 *
 * <p><b>Invariant:</b> the database named by {@code CURRENT} is always complete and readable. A rebuild
 * writes only into a new shadow database, and {@code CURRENT} is switched by one atomic rename after
 * the shadow is complete, its row counts verified (the sync's {@code ShadowRowCounts}) and it is shut
 * down cleanly; a failure or crash at any earlier point leaves the previous database exactly as it
 * was. The newest shadow is kept (it records the version it is built
 * for and each table's progress: {@link dev.outpost.client.internal.store.ShadowProgress}) so the next
 * sync can resume it; any other leftover is deleted on open. A replaced database stays open while
 * readers hold connections to it ({@code DatabaseLeases}) and is deleted when the last one closes.
 */
package dev.outpost.client.internal.store;
