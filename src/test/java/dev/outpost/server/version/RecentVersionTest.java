package dev.outpost.server.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecentVersionTest {
    @Test
    void maxAgeDefaultsToOneSecondAndZeroMeansEveryRequestReads() {
        assertEquals(1000, RecentVersion.maxAgeMillis(null));
        assertEquals(1000, RecentVersion.maxAgeMillis(" "));
        assertEquals(0, RecentVersion.maxAgeMillis("0"));
        assertEquals(250, RecentVersion.maxAgeMillis(" 250 "));
    }

    @Test
    void aMaxAgeThatIsNotAWholeNumberOfMillisecondsFailsNamingTheSetting() {
        for (String bad : new String[] {"-1", "1s", "3600001"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> RecentVersion.maxAgeMillis(bad));
            assertTrue(e.getMessage().contains(RecentVersion.MAX_AGE_MS), e.getMessage());
        }
    }
}
