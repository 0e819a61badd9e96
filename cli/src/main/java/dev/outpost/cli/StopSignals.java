package dev.outpost.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM as a request to stop a command that runs until stopped ({@code sync
 * --live}): instead of the JVM's shutdown, which would end the process with 130 or 143 while the
 * replica is being closed, the first signal wakes the command, which stops, closes the replica, says
 * where it stands and exits normally. A second signal while it stops ends the process at once (the
 * replica stays consistent: Derby recovers its log at the next open). {@link #close()} puts the JVM's
 * handlers back. A signal the process was started ignoring (nohup, a background job of a
 * non-interactive shell) stays ignored.
 */
final class StopSignals implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final CountDownLatch received = new CountDownLatch(1);
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String name;

    private StopSignals() {}

    /** Catches SIGINT and SIGTERM from now until {@link #close()}. */
    static StopSignals install() {
        StopSignals signals = new StopSignals();
        for (String s : SIGNALS) {
            Signal signal = new Signal(s);
            try {
                signals.previous.add(Signal.handle(signal, signals::handle));
                signals.installed.add(signal);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (-Xrs): it then ends the process as it always does
            }
        }
        return signals;
    }

    private void handle(Signal signal) {
        if (name != null) {
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        name = "SIG" + signal.getName();
        received.countDown();
    }

    /** The latch counted down by the first signal (or by whoever else ends the wait). */
    CountDownLatch received() {
        return received;
    }

    /** The first signal received ({@code SIGINT}, {@code SIGTERM}), or {@code null}. */
    String name() {
        return name;
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
