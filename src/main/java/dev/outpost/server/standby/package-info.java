/**
 * Reads off the primary: snapshot pages and the change history are served by a PostgreSQL hot standby
 * ({@code db.standby.*}) whenever it already holds what the read must show, and by the primary
 * otherwise. A standby behind the primary only moves reads back to the primary; it never makes a
 * replica miss a change.
 */
package dev.outpost.server.standby;
