package dev.outpost.server.problem;

import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides, in one place, what problem a failure is: bad input (4xx, the caller can fix it),
 * unavailable (503, retrying may help) or a server fault (500, logged with its stack trace here and
 * nowhere else).
 */
public final class Problems {
    private static final Logger LOG = Logger.getLogger(Problems.class.getName());

    private Problems() {}

    /** The problem for an HTTP status the container or JAX-RS produced itself. */
    public static Problem forStatus(int status, String detail) {
        ProblemType type =
                switch (status) {
                    case 401 -> ProblemType.UNAUTHORIZED;
                    case 403 -> ProblemType.FORBIDDEN;
                    case 404 -> ProblemType.NOT_FOUND;
                    case 409 -> ProblemType.CONFLICT;
                    case 503 -> ProblemType.UNAVAILABLE;
                    default -> status >= 400 && status < 500 ? ProblemType.BAD_REQUEST : ProblemType.SERVER_ERROR;
                };
        Problem p = Problem.of(type, detail);
        return new Problem(p.type(), p.title(), status, detail);
    }

    /** The problem for an exception thrown while serving a request. */
    public static Problem forException(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProblemException p) {
                return Problem.of(p.type(), p.getMessage());
            }
            if (t instanceof JsonbException || t instanceof JsonException) {
                return Problem.of(ProblemType.BAD_REQUEST, "the request body is not valid JSON for this resource");
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("23")) {
                    return Problem.of(
                            ProblemType.CONFLICT, "the change violates a constraint: " + firstLine(sql.getMessage()));
                }
                if (state.startsWith("08") || state.equals("57P03")) {
                    LOG.log(Level.WARNING, "database unavailable", failure);
                    return Problem.of(ProblemType.UNAVAILABLE, "the database is not reachable right now; retry later");
                }
            }
        }
        LOG.log(Level.SEVERE, "request failed", failure);
        return Problem.of(ProblemType.SERVER_ERROR, "the server failed to answer this request; see its log");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
