package dev.outpost.protocol;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleUpToTheMaximumWithJitterAndStartAgainAfterAReset() {
        Backoff backoff = new Backoff(1_000, 60_000);
        long[] bounds = {1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000};
        for (int round = 0; round < 50; round++) {
            for (long bound : bounds) {
                long delay = backoff.next();
                assertTrue(
                        delay >= bound / 2 && delay <= bound, delay + " ms within [" + bound / 2 + ", " + bound + "]");
            }
            backoff.reset();
        }
    }

    @Test
    void delaysAreSpreadNotFixed() {
        Backoff backoff = new Backoff(60_000, 60_000);
        long first = backoff.next();
        boolean differs = false;
        for (int i = 0; i < 100 && !differs; i++) {
            differs = backoff.next() != first;
        }
        assertTrue(differs, "jitter: 100 delays all " + first + " ms");
    }

    @Test
    void refusesBoundsThatMakeNoSense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(10, 5));
    }
}
