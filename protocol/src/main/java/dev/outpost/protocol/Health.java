package dev.outpost.protocol;

import java.util.Map;

/**
 * The answer of {@code GET health/live} and {@code GET health/ready}: the overall status and each
 * check by name, {@value #UP} or {@value #DOWN}, and nothing else (the health endpoints answer
 * without a token, so they never carry error text, host names or settings).
 *
 * @param status {@value #UP} when every check is up, else {@value #DOWN}
 * @param checks each check's status by name, e.g. {@code database}, {@code changelog}, {@code capture}
 */
public record Health(String status, Map<String, String> checks) {
    public static final String UP = "UP";
    public static final String DOWN = "DOWN";

    /** Up when every check is. */
    public static Health of(Map<String, String> checks) {
        return new Health(checks.values().stream().allMatch(UP::equals) ? UP : DOWN, checks);
    }
}
