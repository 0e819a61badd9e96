/**
 * The sync algorithm: compare versions, preflight the schema, build a shadow database, load every
 * table page by page, record the version, swap. No compatibility promises.
 */
package dev.outpost.client.internal.sync;
