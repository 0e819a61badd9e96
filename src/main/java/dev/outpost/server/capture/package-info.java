/**
 * Change capture: PostgreSQL logical replication ({@code pgoutput}) read by exactly one server
 * instance at a time, stored durably in PostgreSQL in commit order, so that any number of clients on
 * any instance can read the feed from any position ({@code changes}).
 *
 * <p>Invariants: (1) one capturer — the instance holding the session advisory lock {@link
 * dev.outpost.server.capture.FeedTables#CAPTURE_LOCK} — reads the slot; PostgreSQL also refuses a
 * second reader of an active slot. (2) A WAL position is acknowledged to PostgreSQL only after the
 * transaction's changes are committed to {@code outpost_feed.change_log}. (3) A transaction whose commit
 * LSN is not above the highest stored one was stored before (redelivered after a restart) and is
 * skipped, so nothing is stored twice. (4) Positions are assigned by the single capturer in commit
 * order and committed in that order, so a reader never sees position n+1 before n.
 *
 * <p>Only tables with a primary key and without generated columns are published: PostgreSQL refuses
 * UPDATE and DELETE on a published table without a replica identity, and Outpost must never break the
 * application's writes; {@code pgoutput} (PostgreSQL 17) does not send generated columns, so such a
 * table's changes could not carry full rows. (5) Every change carries its relation's row shape, and
 * its values are in the {@code ::text} form of table pages ({@link
 * dev.outpost.server.capture.TextForms}). (6) A new replication slot is a gap: it is recorded (the
 * horizon moves to a reserved position) before the slot is created. (7) Without logical decoding
 * ({@code wal_level} below {@code logical}) capture writes nothing at all, so no gap is recorded and the
 * feed's positions stay put; the server is then snapshot-only ({@link
 * dev.outpost.server.capture.FeedMode}) until PostgreSQL runs with logical decoding. (8) A change's key is the catalog's primary key,
 * whatever the replica identity; under identity {@code FULL} (required by filtered grants, {@link
 * dev.outpost.server.capture.ReplicaIdentity}) the whole old row of an update or delete is stored
 * with it ({@code old_vals}).
 */
package dev.outpost.server.capture;
