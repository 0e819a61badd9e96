package dev.outpost.server.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The change log's bounds against a real PostgreSQL, before and after capture created its tables. */
class ChangeLogIT {
    @Test
    void boundsAreOneQueryAndAFeedThatNeverRanIsUnavailable() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("change_log_bounds")) {
            ProblemException never = assertThrows(ProblemException.class, () -> ChangeLog.bounds(c));
            assertEquals(ProblemType.UNAVAILABLE, never.type());
            assertEquals(
                    ProblemType.UNAVAILABLE,
                    assertThrows(ProblemException.class, () -> ChangeLog.status(c))
                            .type());

            FeedTables.create(c);
            assertEquals(new ChangeLog.Bounds(0, 0, 0), ChangeLog.bounds(c));
            try (Statement st = c.createStatement()) {
                st.execute("insert into " + FeedTables.CHANGE_LOG
                        + " (position, commit_lsn, table_name, op, last, vals) values"
                        + " (7, '0/1', 't', 'U', true, '[\"1\"]'), (9, '0/2', 't', 'D', true, '[\"1\"]')");
                st.execute("insert into " + FeedTables.EPOCHS + " (position, schema_fingerprint) values (5, 'f')");
                st.execute("update " + FeedTables.HORIZON + " set after_position = 3");
            }
            assertEquals(new ChangeLog.Bounds(9, 3, 5), ChangeLog.bounds(c));
            st(c, "update " + FeedTables.HORIZON + " set after_position = 12"); // a gap after the newest change
            assertEquals(new ChangeLog.Bounds(12, 12, 5), ChangeLog.bounds(c));

            FeedStatus status = ChangeLog.status(c);
            assertEquals(12, status.latestPosition());
            assertFalse(status.slotActive(), "no slot");
            assertNull(status.slotLagBytes());
        }
    }

    private static void st(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
