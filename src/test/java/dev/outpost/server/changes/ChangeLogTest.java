package dev.outpost.server.changes;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ChangeLogTest {
    /** latest 500, horizon 100, newest epoch at 300. */
    private static final ChangeLog.Bounds STATUS = new ChangeLog.Bounds(500, 100, 300);

    private static ProblemType refusal(long after, String schema) {
        ProblemException e = assertThrows(
                ProblemException.class, () -> ChangeLog.checkContinuable(STATUS, after, schema, () -> "current"));
        return e.type();
    }

    @Test
    void aPositionBeforeTheNewestEpochIsServedOnlyToAReplicaWithTheCurrentSchema() {
        assertEquals(ProblemType.MUST_REBUILD, refusal(200, null));
        assertEquals(ProblemType.MUST_REBUILD, refusal(200, "older"));
        assertDoesNotThrow(() -> ChangeLog.checkContinuable(STATUS, 200, "current", () -> "current"));
    }

    @Test
    void theHorizonAndPositionsNewerThanTheFeedAreRefusedWhateverTheSchema() {
        assertEquals(ProblemType.MUST_REBUILD, refusal(99, "current"));
        assertEquals(ProblemType.MUST_REBUILD, refusal(501, "current"));
        assertDoesNotThrow(() -> ChangeLog.checkContinuable(STATUS, 100, "current", () -> "current"));
    }

    @Test
    void theCurrentSchemaIsReadOnlyForAPositionBeforeTheNewestEpoch() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ChangeLog.checkContinuable(STATUS, 300, "whatever", () -> {
            reads.incrementAndGet();
            return "current";
        });
        ChangeLog.checkContinuable(STATUS, 500, null, () -> {
            reads.incrementAndGet();
            return "current";
        });
        assertEquals(0, reads.get());
    }
}
