/**
 * The admin API ({@code /api/admin/...}, role {@code admin}): creating, listing, changing and revoking
 * stored tokens, and reading the audit of those actions. Grants are checked by {@link
 * dev.outpost.server.admin.GrantValidation} before they are stored.
 */
package dev.outpost.server.admin;
