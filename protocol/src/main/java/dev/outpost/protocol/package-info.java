/**
 * The wire contract between the Outpost server and its clients, written once and used by both.
 *
 * <p>Paths and parameters ({@link dev.outpost.protocol.SyncPaths}), media types ({@link
 * dev.outpost.protocol.MediaTypes}), the JSON documents as records ({@link
 * dev.outpost.protocol.VersionInfo}, {@link dev.outpost.protocol.SchemaInfo}, {@link
 * dev.outpost.protocol.Problem}, {@link dev.outpost.protocol.TableDigest}), the streamed row format
 * ({@link dev.outpost.protocol.RowLines}), the row hash both sides compute ({@link
 * dev.outpost.protocol.RowDigest}) and the jittered delays both sides retry with ({@link
 * dev.outpost.protocol.Backoff}).
 * This package has no dependencies; JSON shapes are pinned by golden files in its tests.
 */
package dev.outpost.protocol;
