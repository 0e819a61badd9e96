package dev.outpost.protocol;

/**
 * The kinds of error the server reports, each with a stable {@code type} URI carried in {@link
 * Problem#type()} so that clients decide by code, not by message.
 */
public enum ProblemType {
    /** No, malformed or unknown credentials (401). */
    UNAUTHORIZED(401),
    /** Valid credentials without the role the endpoint needs (403). */
    FORBIDDEN(403),
    /** No such endpoint or entity (404). */
    NOT_FOUND(404),
    /** The named table is not one of the synced tables (404). */
    UNKNOWN_TABLE(404),
    /** A page cursor that this server did not issue for this table (400). */
    MALFORMED_CURSOR(400),
    /** Any other invalid parameter, header or body (400). */
    BAD_REQUEST(400),
    /** The request body is larger than the server accepts (413). */
    PAYLOAD_TOO_LARGE(413),
    /** The request conflicts with the current state, e.g. a duplicate key (409). */
    CONFLICT(409),
    /**
     * The change feed cannot continue from the client's position: it is older than the retention
     * horizon or than the last schema change. The client rebuilds from a snapshot (409).
     */
    MUST_REBUILD(409),
    /** Too many failed authentications from the caller's address; retry after {@code Retry-After} (429). */
    TOO_MANY_REQUESTS(429),
    /** The database cannot be reached right now; retrying later may succeed (503). */
    UNAVAILABLE(503),
    /** A fault of the server itself (500). */
    SERVER_ERROR(500);

    private static final String PREFIX = "urn:outpost:problem:";
    private final int status;

    ProblemType(int status) {
        this.status = status;
    }

    /** HTTP status sent with this problem. */
    public int status() {
        return status;
    }

    /** The {@code type} URI, e.g. {@code urn:outpost:problem:unknown-table}. */
    public String uri() {
        return PREFIX + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The problem type for a {@code type} URI, or {@link #SERVER_ERROR} for one this client does not know. */
    public static ProblemType fromUri(String uri) {
        for (ProblemType t : values()) {
            if (t.uri().equals(uri)) {
                return t;
            }
        }
        return SERVER_ERROR;
    }
}
