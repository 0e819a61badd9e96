package dev.outpost.server.changes;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;

/** Reads a feed position that a request names. */
public final class FeedPositions {
    private FeedPositions() {}

    /**
     * The position {@code value} of query parameter {@code param}: a whole number from 0, else a 400
     * {@link ProblemType#MALFORMED_CURSOR} problem naming the parameter.
     */
    public static long parse(String param, String value) {
        try {
            long position = Long.parseLong(value);
            if (position >= 0) {
                return position;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(
                ProblemType.MALFORMED_CURSOR,
                "'" + param + "' must be a position this feed issued, was '" + value + "'");
    }
}
