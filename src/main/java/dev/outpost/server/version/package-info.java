/**
 * The version a replica compares with its own: the latest Liquibase tag and changeset, read from
 * {@code DATABASECHANGELOG} with plain JDBC (any Liquibase-managed database, tagged or not), plus the
 * schema fingerprints from {@code schema}. Served with an ETag so an unchanged version costs a 304.
 */
package dev.outpost.server.version;
