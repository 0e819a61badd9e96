package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.SyncEvent;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Waiting for what a test needs (never a fixed sleep), and reading what a replica reported. */
final class Conditions {
    private Conditions() {}

    /** Waits until {@code condition} holds, checking every 50 ms; fails with {@code what} after {@code within}. */
    static void await(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(50);
        }
    }

    /** An assertion that may fail until the system under test catches up. */
    interface Check {
        void run() throws Exception;
    }

    /** Repeats {@code check} every 200 ms until it passes; after {@code within}, its last failure is thrown. */
    static void eventually(Duration within, Check check) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Changes a replica reported applied in {@code events} so far. */
    static long applied(List<SyncEvent> events) {
        return events.stream()
                .filter(e -> e instanceof SyncEvent.ChangesApplied)
                .mapToLong(e -> ((SyncEvent.ChangesApplied) e).changes())
                .sum();
    }

    /**
     * The replica continued from its position (no snapshot loaded again) and applied positions that
     * only moved forward: no change applied twice.
     */
    static void assertFollowedWithoutRebuild(List<SyncEvent> events) {
        assertTrue(
                events.stream().noneMatch(e -> e instanceof SyncEvent.RebuildStarted),
                "the replica continued from its position, no snapshot: " + events);
        long last = -1;
        for (SyncEvent e : events) {
            if (e instanceof SyncEvent.ChangesApplied applied) {
                assertTrue(applied.position() > last, "positions only move forward: " + events);
                last = applied.position();
            }
        }
    }
}
