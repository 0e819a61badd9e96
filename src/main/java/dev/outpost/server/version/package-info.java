/**
 * The version a replica compares with its own: the latest Liquibase tag and changeset, read from
 * {@code DATABASECHANGELOG} with plain JDBC (any Liquibase-managed database, tagged or not), plus the
 * schema fingerprints from {@code schema}. Served with an ETag so an unchanged version costs a 304;
 * each instance answers from a read at most {@code outpost.version.max-age-ms} (default 1 s) old,
 * with at most one read in flight ({@code RecentVersion}, {@code CoalescedRead}; the health and metrics
 * reads of {@code operations} use the latter too, with a deadline).
 */
package dev.outpost.server.version;
