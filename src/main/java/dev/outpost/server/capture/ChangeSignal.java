package dev.outpost.server.capture;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * Tells this instance's waiting feed requests at once when its capturer stored a transaction.
 * Requests on instances that do not capture learn of it from their own check of the log instead.
 */
@ApplicationScoped
public class ChangeSignal {
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();

    /** Called by the capturer after it committed changes up to {@code position}; tells the listeners. */
    public void stored(long position) {
        for (LongConsumer listener : listeners) {
            listener.accept(position);
        }
    }

    /** {@code listener} is told each position stored from now on, on the capturer's thread: keep it short. */
    public void listen(LongConsumer listener) {
        listeners.add(listener);
    }

    /** Stops telling {@code listener}. */
    public void unlisten(LongConsumer listener) {
        listeners.remove(listener);
    }
}
