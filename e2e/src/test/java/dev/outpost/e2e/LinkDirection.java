package dev.outpost.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * One direction of a {@link LinkProxy}'s link, shared by all its connections: a pipe of a given rate
 * (a chunk occupies the link for its size ÷ rate, one chunk after another, whichever connection sent
 * it), then a delay line (a chunk leaves the link {@code delay} after it was fully sent). Counts the
 * bytes it forwarded and resets a connection whose bytes cross a cut mark.
 */
final class LinkDirection {
    /** Largest chunk read and forwarded at once. */
    static final int CHUNK_BYTES = 16 * 1024;

    /** Chunks a connection may hold in its delay line before its reader waits. */
    private static final int LINE_CHUNKS = 1024;

    private final String name;
    private final long bytesPerSecond;
    private final long delayNanos;
    private final TreeSet<Long> marks = new TreeSet<>();
    private long linkFreeAt = System.nanoTime();
    private long bytes;
    private long bytesOnLink;
    private int cuts;

    LinkDirection(String name, long bytesPerSecond, Duration oneWayDelay) {
        this.name = name;
        this.bytesPerSecond = bytesPerSecond;
        this.delayNanos = Math.max(0, oneWayDelay.toNanos());
    }

    synchronized long bytes() {
        return bytes;
    }

    /** Bytes put on the link so far: forwarded, or still in its delay line. */
    synchronized long bytesOnLink() {
        return bytesOnLink;
    }

    synchronized int cuts() {
        return cuts;
    }

    synchronized void cutAt(long... totalBytes) {
        for (long mark : totalBytes) {
            if (mark <= 0) {
                throw new IllegalArgumentException("a cut mark must be positive: " + mark);
            }
            marks.add(mark);
        }
    }

    /**
     * Starts the two daemon threads carrying {@code from}'s bytes to {@code to} for {@code connection}:
     * a reader that puts timestamped chunks on the delay line and a writer that forwards each when due.
     */
    void carry(Socket from, Socket to, LinkConnection connection) {
        BlockingQueue<Chunk> line = new LinkedBlockingQueue<>(LINE_CHUNKS);
        connection.start(name + "-read", () -> read(from, line));
        connection.start(name + "-write", () -> write(line, to, connection));
    }

    private void read(Socket from, BlockingQueue<Chunk> line) throws IOException, InterruptedException {
        InputStream in = from.getInputStream();
        while (true) {
            byte[] buffer = new byte[CHUNK_BYTES];
            int n = in.read(buffer);
            if (n < 0) {
                line.put(new Chunk(null, System.nanoTime() + delayNanos));
                return;
            }
            long sent = occupyLink(n);
            sleepUntil(sent);
            line.put(new Chunk(Arrays.copyOf(buffer, n), sent + delayNanos));
        }
    }

    private void write(BlockingQueue<Chunk> line, Socket to, LinkConnection connection)
            throws IOException, InterruptedException {
        OutputStream out = to.getOutputStream();
        while (true) {
            Chunk chunk = line.take();
            sleepUntil(chunk.due());
            if (chunk.data() == null) {
                to.shutdownOutput();
                connection.halfDone();
                return;
            }
            int allowed = admit(chunk.data().length);
            boolean cut = allowed < 0;
            int length = cut ? -allowed - 1 : allowed;
            out.write(chunk.data(), 0, length);
            out.flush();
            if (cut) {
                connection.reset();
                return;
            }
        }
    }

    /** Reserves the link for {@code n} bytes; returns when they are fully sent (now if unlimited). */
    private synchronized long occupyLink(int n) {
        bytesOnLink += n;
        long now = System.nanoTime();
        if (bytesPerSecond <= 0) {
            return now;
        }
        long start = Math.max(now, linkFreeAt);
        linkFreeAt = start + n * 1_000_000_000L / bytesPerSecond;
        return linkFreeAt;
    }

    /**
     * Counts up to {@code n} bytes as forwarded and returns how many to write; a crossed cut mark
     * limits them to the mark and is returned as {@code -length - 1}.
     */
    private synchronized int admit(int n) {
        Long mark = marks.ceiling(bytes + 1);
        if (mark == null || mark > bytes + n) {
            bytes += n;
            return n;
        }
        marks.remove(mark);
        cuts++;
        int length = (int) (mark - bytes);
        bytes = mark;
        return -length - 1;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Bytes read at some time and due for writing at {@code due}; {@code data} null marks end of stream. */
    private record Chunk(byte[] data, long due) {}
}
