/**
 * The schema endpoint and {@link dev.outpost.server.schema.SyncedSchema}, the one reader every other
 * feature asks for the synced tables: the catalog ({@code catalog}) as it is now, whether the feed
 * follows each table ({@code capture}), narrowed to what the caller's grants show ({@code
 * access.view}).
 */
package dev.outpost.server.schema;
