package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/**
 * {@link StopSignals} with a real signal raised in this JVM: SIGTERM wakes the waiting command and is
 * named, instead of shutting the JVM down (which would end this test run).
 */
class StopSignalsTest {
    @Test
    void sigtermWakesTheCommandInsteadOfEndingTheJvm() throws Exception {
        try (StopSignals signals = StopSignals.install()) {
            assertNull(signals.name(), "no signal yet");
            Signal.raise(new Signal("TERM"));
            assertTrue(signals.received().await(10, TimeUnit.SECONDS), "the signal reached the command");
            assertEquals("SIGTERM", signals.name());
        }
    }
}
