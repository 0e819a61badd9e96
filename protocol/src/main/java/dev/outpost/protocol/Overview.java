package dev.outpost.protocol;

import java.util.List;

/**
 * {@code GET admin/overview}: what the server serves now, for the console's first page.
 *
 * @param live the live version, unscoped (every synced table)
 * @param feed how the change feed stands
 * @param releases the changelog's history by release, the newest first
 * @param capturingInstance the server instance reading the replication slot ({@code pid@host}), if one
 *     does
 * @param changesPerSecond changes captured per second over the last minute
 */
public record Overview(
        VersionInfo live, FeedStatus feed, List<Release> releases, String capturingInstance, double changesPerSecond) {
    /**
     * The changesets up to and including one tag (or, for the newest entry with a {@code null} tag,
     * those run since the last tag).
     *
     * @param tag the release's tag; {@code null} for changesets not tagged yet
     * @param changeSets how many changesets it ran
     * @param executed when its last changeset ran, as Liquibase stored it
     * @param changedTables the synced tables whose definition it changed (a dropped one marked {@code
     *     (dropped)}), as the servers saw it; null when not known (a release applied before any server
     *     ran, or the first one a server saw)
     */
    public record Release(String tag, int changeSets, String executed, List<String> changedTables) {
        /** This release with the tables it changed. */
        public Release withChangedTables(List<String> tables) {
            return new Release(tag, changeSets, executed, tables);
        }
    }
}
