package dev.outpost.server.problem;

import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * What a PostgreSQL error means for the client, by SQLState class: 22 (data exception) is a value
 * the column cannot hold, 400; 23 (integrity) is a conflict with stored rows, 409 for keys and 400
 * for a missing or refused value; 08 and a starting server are 503. The details are our own words,
 * naming the field through {@link Constraints}; PostgreSQL's message text (localized, with the
 * offending values and table names) never reaches the client.
 */
final class SqlStateProblems {
    private SqlStateProblems() {}

    /**
     * The problem for the error, or empty when it is a fault of the server.
     *
     * @param deleting whether the failed request deleted a row: a foreign key then still refers to it,
     *     rather than naming a row that does not exist
     */
    static Optional<Problem> of(SQLException sql, boolean deleting) {
        String state = sql.getSQLState();
        if (state == null) {
            return Optional.empty();
        }
        if (state.startsWith("22")) {
            return Optional.of(Problem.of(ProblemType.BAD_REQUEST, dataException(state)));
        }
        ServerErrorMessage server = sql instanceof PSQLException p ? p.getServerErrorMessage() : null;
        String constraint = server == null ? null : server.getConstraint();
        return Optional.ofNullable(
                switch (state) {
                    case "23503" -> Problem.of(ProblemType.CONFLICT, Constraints.foreignKey(constraint, deleting));
                    case "23505" -> Problem.of(ProblemType.CONFLICT, Constraints.unique(constraint));
                    case "23502" -> Problem.of(
                            ProblemType.BAD_REQUEST,
                            "a value is required for column " + (server == null ? "?" : server.getColumn()));
                    case "23514" -> Problem.of(
                            ProblemType.BAD_REQUEST, "a value is refused by the check " + Constraints.name(constraint));
                    case "57P03" -> unavailable();
                    default -> state.startsWith("08") ? unavailable() : null;
                });
    }

    private static Problem unavailable() {
        return Problem.of(ProblemType.UNAVAILABLE, "the database is not reachable right now; retry later");
    }

    private static String dataException(String state) {
        return switch (state) {
            case "22001" -> "a text is longer than its column allows";
            case "22003" -> "a number is outside the range of its column";
            case "22007", "22008" -> "a date or time is outside the range the database accepts";
            case "22021", "22P05" -> "a text contains a character the database cannot store";
            default -> "a value cannot be stored in its column";
        };
    }
}
