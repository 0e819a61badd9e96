/**
 * Tokens kept in PostgreSQL, in the server's own schema beside the change log: their roles, secrets'
 * SHA-256 hashes, expiry and revocation, their grants and attributes, and the audit of admin actions.
 * {@link dev.outpost.server.access.store.TokenLookup} authenticates a secret (lookups at most 1 s old);
 * {@link dev.outpost.server.access.store.PostgresTokenStore} creates, changes and revokes tokens.
 */
package dev.outpost.server.access.store;
