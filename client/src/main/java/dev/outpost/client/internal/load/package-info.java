/**
 * Loading streamed row pages ({@link dev.outpost.protocol.RowLines}) into replica tables: parsing
 * PostgreSQL's text form of each value ({@link dev.outpost.client.internal.load.PgText}), binding it
 * to a Derby column ({@link dev.outpost.client.internal.load.DerbyBinder}) and batching inserts
 * ({@link dev.outpost.client.internal.load.TableLoader}). No compatibility promises.
 */
package dev.outpost.client.internal.load;
