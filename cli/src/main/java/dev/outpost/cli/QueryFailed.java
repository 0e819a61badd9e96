package dev.outpost.cli;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The user's query was refused by Derby (its text, not the replica): a syntax error, an unknown table
 * or column, a division by zero. The command line prints Derby's message with {@link SqlHints} and
 * exits {@value ExitCodes#QUERY_FAILED}. Any other failure of a query (the replica's files, a lock)
 * stays a {@link ErrorCode#REPLICA_ERROR}.
 */
final class QueryFailed extends RuntimeException {
    /**
     * SQL state classes of a mistake in the query: syntax or access rule (42), data (22), cardinality
     * (21), feature not supported (0A).
     */
    private static final Set<String> QUERY_CLASSES = Set.of("42", "22", "21", "0A");

    private final transient List<String> hints;

    private QueryFailed(String message, List<String> hints, Throwable cause) {
        super(message, cause);
        this.hints = List.copyOf(hints);
    }

    /** The query's failure as the user's mistake (with hints) or as the replica's. */
    static RuntimeException of(String query, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.length() >= 2 && QUERY_CLASSES.contains(state.substring(0, 2))) {
            return new QueryFailed(e.getMessage(), SqlHints.forQuery(query, state), e);
        }
        return new OutpostException(ErrorCode.REPLICA_ERROR, "SQL failed: " + e.getMessage(), e);
    }

    /** A statement Derby ran that returned no rows. */
    static QueryFailed notAQuery(String query) {
        return new QueryFailed("not a query: " + query, List.of(), null);
    }

    /** What to print under the message, one line each. */
    List<String> hints() {
        return hints;
    }
}
