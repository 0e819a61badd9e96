/**
 * The sync algorithm: compare versions, preflight the schema, build a shadow database, load every
 * table page by page (each page asked for while the one before it is stored: {@link
 * dev.outpost.client.internal.sync.PagePipeline}; short tables several to a commit, {@link
 * dev.outpost.client.internal.sync.TableGroup}, their first pages asked for ahead, {@link
 * dev.outpost.client.internal.sync.FirstPages}; a table that only gained columns downloads its key and
 * new columns and keeps the rest, {@link dev.outpost.client.internal.sync.AddedColumns}), record the
 * version, swap. No compatibility promises.
 */
package dev.outpost.client.internal.sync;
