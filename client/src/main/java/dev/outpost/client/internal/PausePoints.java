package dev.outpost.client.internal;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A test hook for crash tests, off unless the system property {@value #PROPERTY} is set: with {@code
 * -Doutpost.debug.pauseAt=N}, the N-th pause point this JVM reaches prints {@code PAUSED <N> <point>}
 * on standard output and blocks its thread for ever, so that a test can kill the process exactly
 * there (the e2e {@code CrashHarnessIT}). Pause points are every fired {@code SyncEvent}, each step
 * of the swap to a new database and each commit of applied changes (before it). Not for production use.
 */
public final class PausePoints {
    /** The system property naming the pause point (counted from 1) to block at. */
    public static final String PROPERTY = "outpost.debug.pauseAt";

    private static final long PAUSE_AT = Long.getLong(PROPERTY, 0);
    private static final AtomicLong REACHED = new AtomicLong();

    private PausePoints() {}

    /** Counts a pause point and blocks for ever if it is the one the property names. */
    public static void reached(String point) {
        if (PAUSE_AT > 0 && REACHED.incrementAndGet() == PAUSE_AT) {
            System.out.println("PAUSED " + PAUSE_AT + " " + point);
            System.out.flush();
            while (true) {
                LockSupport.park();
            }
        }
    }
}
