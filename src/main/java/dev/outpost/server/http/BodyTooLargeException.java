package dev.outpost.server.http;

import java.io.IOException;

/** A request body grew past {@link BodySizeLimitFilter#MAX_BODY_BYTES} while it was read. */
public class BodyTooLargeException extends IOException {
    /** What the client is told, with the limit. */
    public static final String DETAIL =
            "the request body is larger than " + BodySizeLimitFilter.MAX_BODY_BYTES + " bytes (1 MiB)";

    private static final long serialVersionUID = 1L;

    BodyTooLargeException() {
        super(DETAIL);
    }
}
