/**
 * The public API of the Outpost client: an offline read replica of the server's synced tables in an
 * embedded Apache Derby database.
 *
 * <p>Open a replica with {@link dev.outpost.client.OutpostReplica#open(ReplicaConfig)}, bring it up
 * to date with {@link dev.outpost.client.OutpostReplica#sync()} (which returns a {@link
 * dev.outpost.client.SyncResult} and reports {@link dev.outpost.client.SyncEvent}s to {@link
 * dev.outpost.client.SyncListener}s), and read it through plain JDBC with {@link
 * dev.outpost.client.OutpostReplica#openConnection()}. Every failure is an {@link
 * dev.outpost.client.OutpostException} carrying an {@link dev.outpost.client.ErrorCode}.
 *
 * <p>Everything below {@code dev.outpost.client.internal} is an implementation detail.
 */
package dev.outpost.client;
