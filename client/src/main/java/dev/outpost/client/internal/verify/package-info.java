/**
 * Verifying a replica against the server: per table, the row count and the order-independent {@link
 * dev.outpost.protocol.RowDigest} of the server's rows next to the same digest computed from the
 * Derby values ({@link dev.outpost.client.internal.verify.DerbyText} rebuilds PostgreSQL's text form).
 * No compatibility promises.
 */
package dev.outpost.client.internal.verify;
