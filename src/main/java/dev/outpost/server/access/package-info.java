/**
 * Who may read what: the tokens, their roles, and per token the synced tables, columns and rows it is
 * granted ({@link dev.outpost.server.access.AccessScope}). A replica token sees nothing until it is
 * granted tables. {@link dev.outpost.server.access.CurrentAccess} is the one place a request's scope is
 * read from; it asks the {@link dev.outpost.server.access.AccessScopes} bean ({@link
 * dev.outpost.server.access.CallerAccessScopes}: the scope the token carries). Row filters are in {@code
 * access.filter}, what a scope shows of the schema in {@code access.view}.
 */
package dev.outpost.server.access;
