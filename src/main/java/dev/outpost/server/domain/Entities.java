package dev.outpost.server.domain;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;
import jakarta.persistence.EntityManager;

/** Lookups shared by the write endpoints, failing with problems. */
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
}
