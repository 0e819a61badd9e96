package dev.outpost.server.changes;

import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.catalog.Fingerprints;
import dev.outpost.server.version.RecentVersion;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cache key of a caller's change history: everything besides the request's URI that decides what
 * a complete changes answer holds. The database's identity (a history of another database, or of one
 * recreated, never matches), the synced schema's fingerprint (a release starts new keys), and the
 * caller's scope in a canonical form (tables, columns, row filters and the attributes they bind), so
 * that tokens of the same scope share cached answers and tokens of different scopes never do. The same
 * on every instance, so one cache in front of many instances shares them too. Costs no query of its
 * own: the version is {@link RecentVersion}'s recent read.
 */
@ApplicationScoped
public class HistoryKeys {
    @Inject
    private RecentVersion versions;

    /** The key of {@code scope}'s history. */
    public String of(AccessScope scope) throws SQLException {
        VersionInfo version = versions.live();
        return Fingerprints.of("history", version.database(), version.schemaFingerprint(), canonical(scope));
    }

    /** The scope as text that only depends on what it grants (map order aside). */
    static String canonical(AccessScope scope) {
        if (scope.unrestricted()) {
            return "*";
        }
        StringBuilder text = new StringBuilder();
        for (TableGrant grant : new TreeMap<>(scope.grants()).values()) {
            text.append(Fingerprints.of(
                            grant.table(),
                            grant.columns().map(c -> String.join("\u0000", c)).orElse(null),
                            grant.rowFilter().orElse(null)))
                    .append(';');
        }
        text.append('|');
        for (Map.Entry<String, java.util.List<String>> attribute : new TreeMap<>(scope.attributes()).entrySet()) {
            text.append(Fingerprints.of(attribute.getKey(), String.join("\u0000", attribute.getValue())))
                    .append(';');
        }
        return text.toString();
    }
}
