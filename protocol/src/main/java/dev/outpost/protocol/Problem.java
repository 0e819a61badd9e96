package dev.outpost.protocol;

/**
 * An error response in the RFC 9457 shape ({@value MediaTypes#PROBLEM_JSON}). Never carries a stack
 * trace.
 *
 * @param type a {@link ProblemType#uri()}
 * @param title short summary of the problem type
 * @param status HTTP status code
 * @param detail what went wrong with this request, for a person to read
 */
public record Problem(String type, String title, int status, String detail) {

    /** A problem of the given type with a human-readable detail. */
    public static Problem of(ProblemType type, String detail) {
        String title = type.name().charAt(0)
                + type.name().substring(1).toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        return new Problem(type.uri(), title, type.status(), detail);
    }
}
