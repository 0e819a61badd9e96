/**
 * Who may read what: the tokens, their roles, and per token the synced tables, columns and rows it is
 * granted ({@link dev.outpost.server.access.AccessScope}). A replica token sees nothing until it is
 * granted tables.
 */
package dev.outpost.server.access;
