package dev.outpost.server.capture;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes long-polling feed requests of this instance when its capturer stored a transaction. Requests
 * on instances that do not capture wake on their own short poll instead.
 */
@ApplicationScoped
public class ChangeSignal {
    private final Object monitor = new Object();
    private long latest;

    /** Called by the capturer after it committed changes up to {@code position}. */
    public void stored(long position) {
        synchronized (monitor) {
            latest = Math.max(latest, position);
            monitor.notifyAll();
        }
    }

    /**
     * Waits until a position above {@code after} was stored here, or the time is up.
     *
     * @return whether a position above {@code after} was stored here (committed: there is a change to read)
     */
    public boolean await(long after, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        synchronized (monitor) {
            long left;
            while (latest <= after && (left = deadline - System.currentTimeMillis()) > 0) {
                monitor.wait(left);
            }
            return latest > after;
        }
    }
}
