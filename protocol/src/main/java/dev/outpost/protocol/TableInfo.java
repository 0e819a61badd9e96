package dev.outpost.protocol;

/**
 * A synced table as an operator sees it ({@code GET admin/tables}).
 *
 * @param name the table's protocol name
 * @param columns how many columns it has
 * @param rows PostgreSQL's estimate of its rows (from the last {@code ANALYZE} or vacuum; -1 if never)
 * @param bytes its size on disk with indexes and TOAST
 * @param followed whether the change feed serves its changes
 * @param notFollowedBecause why not, for a table that is not followed (its replicas compare digests and
 *     reload it when its rows changed)
 * @param fingerprint its definition's fingerprint
 * @param lastChangedIn the release that last changed its definition, as the servers saw it; null when
 *     not known (it was last changed before the first release a server saw)
 */
public record TableInfo(
        String name,
        int columns,
        long rows,
        long bytes,
        boolean followed,
        String notFollowedBecause,
        String fingerprint,
        String lastChangedIn) {}
