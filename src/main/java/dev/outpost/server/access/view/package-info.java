/**
 * What a caller's {@link dev.outpost.server.access.AccessScope} lets it see of the synced schema:
 * the granted tables with their granted columns ({@link dev.outpost.server.access.view.ScopedSchema}),
 * one table checked and narrowed for a page, digest or change ({@link
 * dev.outpost.server.access.view.ScopedTable}), and the checks a grant passes before it is saved
 * ({@link dev.outpost.server.access.view.GrantCheck}). A table the caller may not see is answered
 * exactly like a table that does not exist.
 */
package dev.outpost.server.access.view;
