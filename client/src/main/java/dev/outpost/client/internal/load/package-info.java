/**
 * Putting rows into replica tables. Streamed row pages ({@link dev.outpost.protocol.RowLines}): a
 * table's pages are stored by one insert (its first load, in Derby's bulk mode) or one insert per
 * page (after an interrupted first load, resumable), from a Derby table function ({@link
 * dev.outpost.client.internal.load.PageFunction}, driven by {@link
 * dev.outpost.client.internal.load.TableLoader}), whose rows are read, parsed from PostgreSQL's text
 * form ({@link dev.outpost.client.internal.load.PgText}) and converted on a thread of their own
 * ({@link dev.outpost.client.internal.load.ReadAhead}, which in a first load reads on from page to
 * page). A short table (one page of at most a thousand rows) is stored by a batched insert in the
 * caller's transaction instead ({@link dev.outpost.client.internal.load.ShortTableInsert}), so that
 * several share one commit. Single changes bind their text values to
 * statements ({@link dev.outpost.client.internal.load.RowBinder}); unchanged tables are copied between
 * databases ({@link dev.outpost.client.internal.load.TableCopier}). No compatibility promises.
 */
package dev.outpost.client.internal.load;
