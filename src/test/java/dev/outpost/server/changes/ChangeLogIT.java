package dev.outpost.server.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The change log's bounds against a real PostgreSQL: before capture created its tables, before its slot
 * exists, while it runs, and with capture disabled.
 */
class ChangeLogIT {
    @Test
    void boundsAreOneQueryAndAFeedThatIsNotRunningIsUnavailable() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("change_log_bounds")) {
            ProblemException never = assertThrows(ProblemException.class, () -> ChangeLog.bounds(c, true));
            assertEquals(ProblemType.UNAVAILABLE, never.type());
            FeedStatus neverRan = ChangeLog.status(c, true);
            assertEquals(FeedStatus.SNAPSHOT_ONLY, neverRan.mode());
            assertEquals(0, neverRan.latestPosition());

            FeedTables.create(c);
            ProblemException noSlot = assertThrows(ProblemException.class, () -> ChangeLog.bounds(c, true));
            assertEquals(ProblemType.UNAVAILABLE, noSlot.type());
            assertTrue(noSlot.getMessage().contains("has not started yet"), noSlot.getMessage());
            String slot = FeedTables.slot(c);
            st(c, "select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            try {
                assertEquals(new ChangeLog.Bounds(0, 0, 0), ChangeLog.bounds(c, true));
                try (Statement st = c.createStatement()) {
                    st.execute("insert into " + FeedTables.CHANGE_LOG
                            + " (position, commit_lsn, table_name, op, last, vals) values"
                            + " (7, '0/1', 't', 'U', true, '[\"1\"]'), (9, '0/2', 't', 'D', true, '[\"1\"]')");
                    st.execute("insert into " + FeedTables.EPOCHS + " (position, schema_fingerprint) values (5, 'f')");
                    st.execute("update " + FeedTables.HORIZON + " set after_position = 3");
                }
                assertEquals(new ChangeLog.Bounds(9, 3, 5), ChangeLog.bounds(c, true));
                st(c, "update " + FeedTables.HORIZON + " set after_position = 12"); // a gap after the newest change
                assertEquals(new ChangeLog.Bounds(12, 12, 5), ChangeLog.bounds(c, true));

                FeedStatus status = ChangeLog.status(c, true);
                assertEquals(FeedStatus.CAPTURING, status.mode());
                assertNull(status.reason());
                assertEquals(12, status.latestPosition());
                assertFalse(status.slotActive(), "nobody reads the slot");
                assertNotNull(status.slotLagBytes());

                ProblemException disabled = assertThrows(ProblemException.class, () -> ChangeLog.bounds(c, false));
                assertEquals(ProblemType.UNAVAILABLE, disabled.type());
                assertTrue(disabled.getMessage().contains("outpost.capture.enabled=false"), disabled.getMessage());
                FeedStatus off = ChangeLog.status(c, false);
                assertEquals(FeedStatus.SNAPSHOT_ONLY, off.mode());
                assertEquals(disabled.getMessage(), off.reason());
                assertEquals(12, off.latestPosition(), "the bounds as the feed left them");
            } finally {
                st(c, "select pg_drop_replication_slot('" + slot + "')");
            }
        }
    }

    private static void st(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
