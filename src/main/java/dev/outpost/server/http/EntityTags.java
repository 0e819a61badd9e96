package dev.outpost.server.http;

/**
 * Entity-tag helpers for hot paths that answer without JAX-RS. Deliberately strict: {@link
 * #noneMatchHits} says "matches" only for a well-formed {@code If-None-Match}; anything else is a
 * miss, and the caller hands the request on to JAX-RS, whose precondition evaluation ({@link
 * Revalidated}) decides.
 */
public final class EntityTags {
    /** The {@code Cache-Control} of {@link Revalidated} answers, as JAX-RS writes it. */
    public static final String REVALIDATE = "no-cache, no-transform";

    private EntityTags() {}

    /** {@code tag} as a strong entity tag: in double quotes. */
    public static String quoted(String tag) {
        return '"' + tag + '"';
    }

    /**
     * Whether an {@code If-None-Match} header ({@code *} or a comma-separated list of entity tags,
     * weak or strong; RFC 9110 §13.1.2 compares weakly) matches {@code tag}, which must contain no
     * quote. {@code false} when the header is not well-formed.
     */
    public static boolean noneMatchHits(String header, String tag) {
        boolean hit = false;
        int start = 0;
        int length = header.length();
        while (start <= length) {
            int comma = header.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            String element = header.substring(start, end).trim();
            if (element.equals("*")) {
                hit = true;
            } else {
                if (element.startsWith("W/")) {
                    element = element.substring(2);
                }
                if (element.length() < 2
                        || element.charAt(0) != '"'
                        || element.charAt(element.length() - 1) != '"'
                        || element.indexOf('"', 1) != element.length() - 1) {
                    return false; // not an entity tag: let JAX-RS decide
                }
                hit |= element.regionMatches(1, tag, 0, tag.length()) && element.length() == tag.length() + 2;
            }
            if (comma < 0) {
                break;
            }
            start = comma + 1;
        }
        return hit;
    }
}
