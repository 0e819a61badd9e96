package dev.outpost.protocol;

import java.time.OffsetDateTime;

/**
 * One admin action.
 *
 * @param id the record's id, increasing
 * @param who the admin who acted: {@code token <id> (<name>)}, or {@code bootstrap} for a token of the settings
 * @param what the action: {@code token.create}, {@code token.update}, {@code token.revoke}
 * @param tokenId the token acted on
 * @param at when
 * @param detail what changed, for a person to read
 */
public record AuditEntry(long id, String who, String what, Long tokenId, OffsetDateTime at, String detail) {}
