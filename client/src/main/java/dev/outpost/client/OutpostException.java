package dev.outpost.client;

import java.util.Objects;

/** The one exception of the Outpost client. Unchecked; {@link #code()} says what kind of failure. */
public class OutpostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    /** A failure of the given kind. */
    public OutpostException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** A failure of the given kind caused by another exception. */
    public OutpostException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** What kind of failure this is. */
    public ErrorCode code() {
        return code;
    }
}
