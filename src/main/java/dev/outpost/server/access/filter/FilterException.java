package dev.outpost.server.access.filter;

/** A row filter that cannot be parsed, or does not fit the table or the token's attributes. */
public class FilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FilterException(String message) {
        super(message);
    }
}
