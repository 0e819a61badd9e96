package dev.outpost.server.domain;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;
import jakarta.persistence.EntityManager;

/** Lookups and input checks shared by the write endpoints, failing with problems. */
final class Entities {
    private Entities() {}

    static <T> T find(EntityManager em, Class<T> type, long id) {
        T entity = em.find(type, id);
        if (entity == null) {
            throw new ProblemException(
                    ProblemType.NOT_FOUND, "no " + type.getSimpleName().toLowerCase() + " with id " + id);
        }
        return entity;
    }

    static <T> T require(T value, String what) {
        if (value == null) {
            throw new ProblemException(ProblemType.BAD_REQUEST, what + " is required");
        }
        return value;
    }

    static String requireText(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw new ProblemException(ProblemType.BAD_REQUEST, field + " is required");
        }
        if (value.length() > maxLength) {
            throw new ProblemException(ProblemType.BAD_REQUEST, field + " is longer than " + maxLength + " characters");
        }
        return value;
    }
}
