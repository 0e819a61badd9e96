package dev.outpost.server.problem;

import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import java.sql.SQLException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decides, in one place, what problem a failure is: bad input (4xx, the caller can fix it, logged
 * nowhere), unavailable (503, retrying may help) or a server fault (500, logged with its stack trace
 * here and nowhere else). Database errors are judged by SQLState in {@link SqlStateProblems}.
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
                    case 413 -> ProblemType.PAYLOAD_TOO_LARGE;
                    case 429 -> ProblemType.TOO_MANY_REQUESTS;
                    case 503 -> ProblemType.UNAVAILABLE;
                    default -> status >= 400 && status < 500 ? ProblemType.BAD_REQUEST : ProblemType.SERVER_ERROR;
                };
        Problem p = Problem.of(type, detail);
        return new Problem(p.type(), p.title(), status, detail);
    }

    /**
     * The problem for an exception thrown while serving a request.
     *
     * @param deleting whether the request deleted something (see {@link SqlStateProblems#of})
     */
    public static Problem forException(Throwable failure, boolean deleting) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProblemException p) {
                return Problem.of(p.type(), p.getMessage());
            }
            if (t instanceof BodyTooLargeException tooLarge) {
                return Problem.of(ProblemType.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
            }
            if (t instanceof JsonbException || t instanceof JsonException) {
                return Problem.of(ProblemType.BAD_REQUEST, "the request body is not valid JSON for this resource");
            }
            if (t instanceof SQLException sql) {
                Optional<Problem> problem = SqlStateProblems.of(sql, deleting);
                if (problem.isPresent()) {
                    if (problem.get().status() == 503) {
                        LOG.log(Level.WARNING, "database unavailable", failure);
                    }
                    return problem.get();
                }
            }
        }
        LOG.log(Level.SEVERE, "request failed", failure);
        return Problem.of(ProblemType.SERVER_ERROR, "the server failed to answer this request; see its log");
    }
}
