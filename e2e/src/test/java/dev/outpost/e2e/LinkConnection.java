package dev.outpost.e2e;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection through a {@link LinkProxy}: the client's socket, the socket to the target and the
 * daemon threads carrying bytes between them. Closed when both directions ended, on the first error,
 * or abruptly (a reset) when a cut mark is crossed.
 */
final class LinkConnection implements AutoCloseable {
    /** A thread's work; any exception ends the connection. */
    interface Work {
        void run() throws Exception;
    }

    private final Socket client;
    private final Socket target;
    private final Runnable onClosed;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger directionsDone = new AtomicInteger();
    private boolean closed;

    LinkConnection(Socket client, Socket target, Runnable onClosed) {
        this.client = client;
        this.target = target;
        this.onClosed = onClosed;
    }

    void start(String name, Work work) {
        Thread thread = new Thread(
                () -> {
                    try {
                        work.run();
                    } catch (Exception e) {
                        close();
                    }
                },
                "link-" + name);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    /** One direction delivered its end of stream; the connection closes when both have. */
    void halfDone() {
        if (directionsDone.incrementAndGet() == 2) {
            close();
        }
    }

    /** Closes both sides with a reset (linger 0), so each peer sees the stream break. */
    void reset() {
        try {
            client.setSoLinger(true, 0);
            target.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed: nothing left to reset
        }
        close();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeQuietly(client);
        closeQuietly(target);
        for (Thread thread : threads) {
            if (thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
        onClosed.run();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
