package dev.outpost.server.access.view;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;

/**
 * A grant that cannot be saved: a 400 problem whose detail starts with the grant's field ({@code
 * columns: ...}, {@code rowFilter: ...}), like every refused input of the server.
 */
public class InvalidGrantException extends ProblemException {
    private static final long serialVersionUID = 1L;

    /** The grant's fields, as a request names them. */
    public static final String TABLE = "table";

    public static final String COLUMNS = "columns";
    public static final String ROW_FILTER = "rowFilter";

    private final String field;

    public InvalidGrantException(String field, String message) {
        super(ProblemType.BAD_REQUEST, field + ": " + message);
        this.field = field;
    }

    public InvalidGrantException(String field, String message, Throwable cause) {
        super(ProblemType.BAD_REQUEST, field + ": " + message, cause);
        this.field = field;
    }

    /** The field the problem is in. */
    public String field() {
        return field;
    }
}
