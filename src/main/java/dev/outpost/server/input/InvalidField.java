package dev.outpost.server.input;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;

/** A 400 problem about one field of a request body; its detail starts with the field's name. */
final class InvalidField extends ProblemException {
    private static final long serialVersionUID = 1L;

    InvalidField(String field, String reason) {
        super(ProblemType.BAD_REQUEST, field + ": " + reason);
    }
}
