package dev.outpost.server.capture;

import dev.outpost.protocol.Backoff;
import dev.outpost.server.catalog.SyncScope;
import java.sql.SQLException;
import java.util.function.LongConsumer;

/** A capture loop on a thread of its own, with a short backoff, for tests of other packages. */
public final class CaptureUnderTest {
    private final ChangeCapture capture;

    private CaptureUnderTest(ChangeCapture capture) {
        this.capture = capture;
    }

    /** Starts a loop whose retry delays go from {@code firstMillis} doubling to {@code maxMillis}. */
    public static CaptureUnderTest start(
            CaptureConnections connections, SyncScope scope, LongConsumer stored, long firstMillis, long maxMillis) {
        ChangeCapture capture = new ChangeCapture(connections, scope, stored, new Backoff(firstMillis, maxMillis));
        Thread thread = new Thread(capture, "capture-under-test");
        thread.setDaemon(true);
        thread.start();
        return new CaptureUnderTest(capture);
    }

    public boolean capturing() {
        return capture.capturing();
    }

    public long failedAttempts() {
        return capture.failedAttempts();
    }

    /** Stops the loop and waits until it has ended. */
    public void stop() throws InterruptedException {
        capture.stop();
        if (!capture.awaitEnd(30_000)) {
            throw new IllegalStateException("the capture loop did not end");
        }
    }

    /** What undeploying with {@code outpost.capture.drop-slot-on-undeploy=true} does to the slot. */
    public static boolean dropSlot(CaptureConnections connections) throws SQLException {
        return ChangeCapture.dropSlot(connections);
    }
}
