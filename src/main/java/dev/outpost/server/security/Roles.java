package dev.outpost.server.security;

/** The application's roles, as named in {@code web.xml}. */
public final class Roles {
    /** May read versions, schemas and data. */
    public static final String SYNC = "sync";

    /** May also create, update and delete through the write endpoints. */
    public static final String WRITE = "write";

    /** May call the admin API: create, change and revoke tokens, read the audit. */
    public static final String ADMIN = "admin";

    /** May read the metrics ({@code /api/metrics}) and the API description, nothing else. */
    public static final String METRICS = "metrics";

    private Roles() {}
}
