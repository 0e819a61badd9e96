package dev.outpost.protocol;

/** Media types of the sync API beyond plain JSON. */
public final class MediaTypes {
    /** One JSON document per line; used for streamed table rows ({@link RowLines}). */
    public static final String NDJSON = "application/x-ndjson";

    /** RFC 9457 problem details; every error response has this type ({@link Problem}). */
    public static final String PROBLEM_JSON = "application/problem+json";

    private MediaTypes() {}
}
