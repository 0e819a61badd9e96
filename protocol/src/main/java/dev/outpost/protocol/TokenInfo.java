package dev.outpost.protocol;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * A stored token as the admin API shows it: never its secret.
 *
 * @param id the token's id
 * @param name a name for people, unique among tokens not revoked
 * @param role {@code replica}, {@code writer} or {@code admin}
 * @param created when it was created
 * @param lastUsed when it last authenticated a request (written at most every few seconds); null if never
 * @param expires when it stops working; null for never
 * @param revoked when it was revoked; null while it is not
 * @param grants the synced tables a replica token may read (default-deny)
 * @param attributes values bound to the row filters' named parameters
 */
public record TokenInfo(
        long id,
        String name,
        String role,
        OffsetDateTime created,
        OffsetDateTime lastUsed,
        OffsetDateTime expires,
        OffsetDateTime revoked,
        List<Grant> grants,
        Map<String, List<String>> attributes) {

    /**
     * One granted table.
     *
     * @param table the table's protocol name
     * @param columns the granted columns; null for every column
     * @param rowFilter the row filter as saved; null for every row
     */
    public record Grant(String table, List<String> columns, String rowFilter) {}
}
