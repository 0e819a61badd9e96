/**
 * Following the server's change feed: after a sync built the replica, the changes committed on the
 * server since its snapshot position are applied in commit order, whole server transactions at a time,
 * each Derby transaction storing the new position with them ({@link
 * dev.outpost.client.internal.store.FeedState}). Applying is idempotent (upsert by key, deleting a
 * missing row is no error), so the overlap between a snapshot and the changes after its position, and
 * an answer delivered again after a reconnect, converge.
 */
package dev.outpost.client.internal.feed;
