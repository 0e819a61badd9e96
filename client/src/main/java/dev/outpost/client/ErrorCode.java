package dev.outpost.client;

/** What kind of failure an {@link OutpostException} reports; decide by code, not by message. */
public enum ErrorCode {
    /** The server could not be reached, timed out, or the connection broke mid-stream. Retryable. */
    SERVER_UNREACHABLE,
    /** The server refused the token (HTTP 401 or 403). */
    AUTHENTICATION_FAILED,
    /** The server's schema has a table or column the replica cannot hold; nothing was changed. */
    SCHEMA_UNSUPPORTED,
    /** The server's answer was malformed or truncated (e.g. a row page without its end marker). */
    PROTOCOL_ERROR,
    /** The server reported an error of its own (a problem response other than 401/403). */
    SERVER_ERROR,
    /** The local Derby replica could not be read, built or switched. */
    REPLICA_ERROR,
    /** A {@link ReplicaConfig} setting is missing or invalid. */
    CONFIG_INVALID
}
