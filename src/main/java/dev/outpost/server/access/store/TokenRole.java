package dev.outpost.server.access.store;

import java.util.Locale;
import java.util.Optional;

/** What a stored token may do: read replicas, also write, administer tokens, or read the metrics. */
public enum TokenRole {
    /** Reads the sync endpoints within its grants. */
    REPLICA,
    /** Also calls the write endpoints. */
    WRITER,
    /** Calls the admin API only. */
    ADMIN,
    /** Reads the metrics ({@code /api/metrics}) and the API description only: a scraper's token. */
    METRICS;

    /** The name stored and shown: {@code replica}, {@code writer}, {@code admin}, {@code metrics}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role of a stored or given name. */
    public static Optional<TokenRole> of(String name) {
        for (TokenRole role : values()) {
            if (role.wireName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
