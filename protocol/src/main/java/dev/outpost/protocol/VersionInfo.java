package dev.outpost.protocol;

import java.util.Map;

/**
 * What version of the schema the server is at. A replica compares it with its own to decide whether to
 * rebuild.
 *
 * <p>The {@code tag} marks releases (the latest {@code tagDatabase}, or {@code null} when the history
 * has no tag); the fingerprints catch drift that no tag announced. A replica is current only when both
 * its tag and its schema fingerprint equal the server's.
 *
 * @param tag latest Liquibase tag, or {@code null} for an untagged history
 * @param latestChangeSet the last changeset executed, or {@code null} when none ran
 * @param schemaFingerprint fingerprint of the whole synced schema ({@link SchemaInfo#fingerprint()})
 * @param tableFingerprints fingerprint of each synced table, by table name
 * @param database the identity of the PostgreSQL database the data comes from (opaque): it changes
 *     when the server is pointed at another database, a dropped and recreated one, or one restored from
 *     a backup into a new database or cluster. A replica built from another database rebuilds every
 *     table; {@code null} from a server that does not say
 */
public record VersionInfo(
        String tag,
        ChangeSetInfo latestChangeSet,
        String schemaFingerprint,
        Map<String, String> tableFingerprints,
        String database) {}
