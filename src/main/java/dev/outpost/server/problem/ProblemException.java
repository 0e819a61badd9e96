package dev.outpost.server.problem;

import dev.outpost.protocol.ProblemType;

/** The server's one unchecked exception: a failure with the problem type it is reported as. */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ProblemType type;

    public ProblemException(ProblemType type, String detail) {
        super(detail);
        this.type = type;
    }

    public ProblemException(ProblemType type, String detail, Throwable cause) {
        super(detail, cause);
        this.type = type;
    }

    public ProblemType type() {
        return type;
    }
}
