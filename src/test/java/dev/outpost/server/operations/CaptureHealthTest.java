package dev.outpost.server.operations;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.FeedStatus;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CaptureHealthTest {
    private static final FeedStatus CAPTURING = new FeedStatus(FeedStatus.CAPTURING, null, true, 0L, 1, 0, 0);
    private static final FeedStatus UNREAD = new FeedStatus(FeedStatus.CAPTURING, null, false, 4096L, 1, 0, 0);
    private static final FeedStatus NOT_STARTED =
            new FeedStatus(FeedStatus.SNAPSHOT_ONLY, "change capture has not started yet", false, null, 0, 0, 0);

    @Test
    void snapshotOnlyByIntentIsHealthy() {
        CaptureHealth health = new CaptureHealth();
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertTrue(health.up(false, NOT_STARTED, t));
        assertTrue(health.up(false, NOT_STARTED, t.plus(CaptureHealth.GRACE.multipliedBy(2))));
    }

    @Test
    void aFeedThatShouldRunButDoesNotFailsAfterTheGraceAndRecoversAtOnce() {
        CaptureHealth health = new CaptureHealth();
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        assertTrue(health.up(true, CAPTURING, t));
        assertTrue(health.up(true, UNREAD, t.plusSeconds(1)), "a restart or hand-over is not a failure");
        assertTrue(health.up(true, NOT_STARTED, t.plusSeconds(60)));
        assertFalse(health.up(true, UNREAD, t.plusSeconds(1).plus(CaptureHealth.GRACE)));
        assertTrue(health.up(true, CAPTURING, t.plusSeconds(200)));
        assertTrue(health.up(true, UNREAD, t.plusSeconds(201)), "the grace starts again");
    }
}
