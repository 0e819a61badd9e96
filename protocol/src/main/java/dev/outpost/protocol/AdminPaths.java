package dev.outpost.protocol;

/**
 * Paths and query parameters of the admin API, relative to the application root ({@code /api}); every
 * endpoint needs a token of the {@code admin} role.
 */
public final class AdminPaths {
    /** Root of the admin API. */
    public static final String ADMIN = "admin";

    /**
     * {@code GET admin/tokens}: every token as {@link TokenInfo}; {@code POST admin/tokens} with a {@link
     * TokenRequest}: a new token, answered 201 with its secret once ({@link CreatedToken}).
     */
    public static final String TOKENS = "tokens";

    /** Path parameter naming a token by its id. */
    public static final String ID_PARAM = "id";

    /**
     * {@code GET admin/tokens/{id}}: one {@link TokenInfo}; {@code PATCH} with a {@link TokenRequest}
     * replaces the members it has.
     */
    public static final String TOKEN = TOKENS + "/{" + ID_PARAM + "}";

    /** {@code POST admin/tokens/{id}/revoke}: revokes the token for good (answered with its {@link TokenInfo}). */
    public static final String REVOKE = TOKEN + "/revoke";

    /** {@code GET admin/audit?limit=&token=}: the newest {@link AuditEntry} records first. */
    public static final String AUDIT = "audit";

    /** {@code GET admin/fleet/history?hours=N}: the fleet sampled once a minute, oldest first ({@link FleetSample}). */
    public static final String FLEET_HISTORY = "fleet/history";

    /** Hours of fleet history to answer (1 to {@value #MAX_HISTORY_HOURS}, default 24). */
    public static final String HOURS_PARAM = "hours";

    /** Hours of fleet history kept and answered at most. */
    public static final int MAX_HISTORY_HOURS = 24 * 30;

    /** Path parameter naming a release by its tag. */
    public static final String TAG_PARAM = "tag";

    /** {@code GET admin/releases/{tag}/rollout}: the release's {@link Rollout} over the fleet. */
    public static final String ROLLOUT = "releases/{" + TAG_PARAM + "}/rollout";

    /** {@code GET admin/tables}: every synced table ({@link TableInfo}), in the schema's order. */
    public static final String TABLES = "tables";

    /** {@code GET admin/overview}: the live version, the change feed and the releases ({@link Overview}). */
    public static final String OVERVIEW = "overview";

    /**
     * {@code GET admin/replicas}: every replica the servers have seen, as {@link ReplicaInfo}, the most
     * recently seen first.
     */
    public static final String REPLICAS = "replicas";

    /** Path parameter naming a replica by its id (a UUID). */
    public static final String REPLICA_PARAM = "replica";

    /** {@code GET admin/replicas/{replica}}: one {@link ReplicaDetail}, with its recent syncs. */
    public static final String REPLICA = REPLICAS + "/{" + REPLICA_PARAM + "}";

    /** Most audit records in one answer. */
    public static final String LIMIT_PARAM = "limit";

    /** Only the audit records about this token id. */
    public static final String TOKEN_PARAM = "token";

    /** Audit records in one answer when the caller names no limit. */
    public static final int DEFAULT_AUDIT_ROWS = 100;

    /** Most audit records one answer holds. */
    public static final int MAX_AUDIT_ROWS = 10_000;

    private AdminPaths() {}
}
