package dev.outpost.cli;

import dev.outpost.client.ErrorCode;

/** The one mapping of failures to process exit codes. */
final class ExitCodes {
    static final int OK = 0;
    static final int OTHER = 1;
    static final int USAGE = 2;
    static final int SERVER_UNREACHABLE = 3;
    static final int AUTHENTICATION_FAILED = 4;
    static final int SCHEMA_UNSUPPORTED = 5;
    /** {@code verify} found a difference between the replica and the server. */
    static final int DIFFERENT = 6;
    /** {@code sql}: Derby refused the query's text ({@link QueryFailed}). */
    static final int QUERY_FAILED = 7;

    private ExitCodes() {}

    static int of(ErrorCode code) {
        return switch (code) {
            case SERVER_UNREACHABLE -> SERVER_UNREACHABLE;
            case AUTHENTICATION_FAILED -> AUTHENTICATION_FAILED;
            case SCHEMA_UNSUPPORTED -> SCHEMA_UNSUPPORTED;
            case CONFIG_INVALID -> USAGE;
            default -> OTHER;
        };
    }
}
