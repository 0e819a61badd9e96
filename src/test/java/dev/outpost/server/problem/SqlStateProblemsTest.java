package dev.outpost.server.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class SqlStateProblemsTest {
    /** A PostgreSQL error as the driver reports it: fields of the server's ErrorResponse. */
    private static SQLException postgres(String state, String constraint, String message) {
        return new PSQLException(new ServerErrorMessage(
                "SERROR\0C" + state + "\0M" + message + "\0" + (constraint == null ? "" : "n" + constraint + "\0")));
    }

    private static Problem problem(SQLException e, boolean deleting) {
        return Problems.forException(new RuntimeException("wrapped", e), deleting);
    }

    @Test
    void dataExceptionsAreBadRequestsInOurWords() {
        Problem p = problem(postgres("22003", null, "numeric field overflow"), false);
        assertEquals(ProblemType.BAD_REQUEST.uri(), p.type());
        assertEquals("a number is outside the range of its column", p.detail());
        assertEquals(
                400,
                problem(postgres("22021", null, "invalid byte sequence"), false).status());
        assertEquals(
                400,
                problem(postgres("22008", null, "date out of range"), false).status());
    }

    @Test
    void foreignKeysNameTheFieldOrWhatStillRefersToTheRow() {
        String raw = "insert or update on table \"users\" violates foreign key constraint \"fk_users_company\"";
        Problem missing = problem(postgres("23503", "fk_users_company", raw), false);
        assertEquals(409, missing.status());
        assertEquals("companyId: there is no company with this id", missing.detail());
        Problem referenced = problem(postgres("23503", "fk_users_company", raw), true);
        assertEquals("cannot be deleted: it still has users", referenced.detail());
    }

    @Test
    void uniqueKeysNameTheFieldAndUnknownConstraintsTheirName() {
        Problem taken = problem(postgres("23505", "uq_users_email", "duplicate key value violates"), false);
        assertEquals(ProblemType.CONFLICT.uri(), taken.type());
        assertEquals("email: another user already has this value", taken.detail());
        Problem other = problem(postgres("23505", "uq_elsewhere", "duplicate key value violates"), false);
        assertEquals(
                "the change would duplicate a value that must be unique (constraint uq_elsewhere)", other.detail());
        assertFalse(other.detail().contains("violates"));
    }

    @Test
    void otherStatesAreServerFaults() {
        assertEquals(
                500,
                problem(postgres("42P01", null, "relation does not exist"), false)
                        .status());
        assertEquals(
                503,
                problem(postgres("08006", null, "connection failure"), false).status());
    }
}
