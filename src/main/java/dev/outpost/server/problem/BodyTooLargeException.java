package dev.outpost.server.problem;

import java.io.IOException;

/** A request body grew past the server's limit while it was read; answered 413. */
public class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param limit the most bytes a body may have */
    public BodyTooLargeException(long limit) {
        super(detail(limit));
    }

    /** What the client is told, with the limit. */
    public static String detail(long limit) {
        return "the request body is larger than " + limit + " bytes (" + (limit >> 10) + " KiB)";
    }
}
