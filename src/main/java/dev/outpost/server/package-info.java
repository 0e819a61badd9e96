/**
 * The Outpost server: a WAR that exposes a Liquibase-managed PostgreSQL database to offline replicas.
 *
 * <p>Packages by feature: {@code version} (what release the database is at), {@code schema} (the
 * synced tables as data, from PostgreSQL's catalog), {@code data} (table rows, streamed and paged),
 * {@code migration} (Liquibase at start-up), {@code security} (bearer tokens), {@code problem} (every
 * error as RFC 9457 JSON), {@code compression}, {@code config}, and {@code domain} (the example
 * application's own entities and write endpoints), whose request bodies {@code input} reads strictly.
 */
package dev.outpost.server;
