package dev.outpost.client.internal.http;

import dev.outpost.client.ErrorCode;
import java.io.IOException;

/**
 * A read of an answer that {@link ReplicaSource#stopRequests()} ended: not a lost connection, so
 * nothing asks for the answer again.
 */
public final class RequestStopped extends IOException {
    private static final long serialVersionUID = 1L;

    RequestStopped() {
        super("the request was stopped");
    }

    /**
     * The code of a failed read of an answer: {@link ErrorCode#STOPPED} for a stopped request, else
     * {@link ErrorCode#SERVER_UNREACHABLE} (a lost connection, retryable).
     */
    public static ErrorCode codeOf(IOException failure) {
        return causedBy(failure) ? ErrorCode.STOPPED : ErrorCode.SERVER_UNREACHABLE;
    }

    /** Whether {@code failure} or one of its causes is a stopped request. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RequestStopped) {
                return true;
            }
        }
        return false;
    }
}
