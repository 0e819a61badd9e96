/**
 * The change feed: {@code GET /api/sync/changes} streams stored changes after a position in commit
 * order (whole transactions), long-polling in live mode; {@code GET /api/sync/feed} reports the slot's
 * lag and the feed's horizon; retention deletes old changes. A position older than the retention
 * horizon (deleted changes, or a gap of the feed), or than the current schema epoch from a replica
 * without the current schema, gets a distinct must-rebuild problem (409). Each caller reads the log
 * through its access scope ({@link dev.outpost.server.changes.ScopedFeed}): granted tables, granted
 * columns, and rows entering, staying in and leaving its row filters, decided in PostgreSQL.
 */
package dev.outpost.server.changes;
