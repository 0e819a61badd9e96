package dev.outpost.server.access;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the caller of a sync endpoint may read. Default-deny: a table without a grant does not exist
 * for the caller. The bootstrap tokens of the settings are {@linkplain #unrestricted() unrestricted}.
 *
 * @param unrestricted every synced table, whole (the bootstrap tokens)
 * @param grants the granted tables by protocol name; ignored when unrestricted
 * @param attributes the token's attributes, which bind a row filter's named parameters
 */
public record AccessScope(boolean unrestricted, Map<String, TableGrant> grants, Map<String, List<String>> attributes) {
    /** Everything: the bootstrap tokens of the settings. */
    public static final AccessScope UNRESTRICTED = new AccessScope(true, Map.of(), Map.of());

    /** Copies the maps. */
    public AccessScope {
        grants = Map.copyOf(grants);
        attributes = Map.copyOf(attributes);
    }

    /** The caller's grant on a synced table; empty when the caller may not see it. */
    public Optional<TableGrant> grant(String table) {
        return unrestricted ? Optional.of(TableGrant.whole(table)) : Optional.ofNullable(grants.get(table));
    }
}
