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
    /**
     * The server runs no change feed (capture is disabled or has not started): the replica is only
     * as current as its last snapshot.
     */
    FEED_UNAVAILABLE,
    /**
     * The change feed cannot continue from the replica's position (older than the retention horizon,
     * than a gap in the feed, or than the server's schema); the replica rebuilds from a snapshot.
     */
    FEED_POSITION_LOST,
    /** A {@link ReplicaConfig} setting is missing or invalid. */
    CONFIG_INVALID,
    /**
     * The sync was stopped before it ended ({@link OutpostReplica#stopLiveSync()} or {@link
     * OutpostReplica#close()} while it ran): what it committed is kept, the rest was rolled back, and
     * the replica is as complete as before. Not retried.
     */
    STOPPED
}
