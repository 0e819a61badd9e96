/**
 * The example application's own domain: JPA entities for companies, users, workspaces, data tables
 * and their columns (mapping the latest release of {@code liquibase/}), and write endpoints for
 * companies and users. Writes go through this API into PostgreSQL; replicas are read-only. Requests
 * and responses are records, never entities.
 */
package dev.outpost.server.domain;
