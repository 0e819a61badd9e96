/**
 * Table rows, streamed and paged by primary key: {@code GET /api/sync/tables/{table}/rows}.
 *
 * <p>A page is read with a server-side cursor (fetch size, no whole table in memory), written as
 * {@link dev.outpost.protocol.RowLines} with PostgreSQL's own text form of every value, gzipped when
 * the client accepts it, and ends with the cursor of the next page, so an interrupted download resumes
 * from its last complete page. Pages are read in separate transactions: a snapshot taken page by page
 * is consistent per page, not across pages, while writers are active (the change feed closes that gap).
 *
 * <p>{@code GET /api/sync/tables/{table}/digest} hashes the same text forms, for verifying a replica.
 */
package dev.outpost.server.data;
