package dev.outpost.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 that makes a local server look as if it were at the far end of a field
 * network: each direction is one link with its own rate (shared by all connections) and one-way
 * delay, so a request and its answer cost a round trip. Counts the bytes it forwarded each way and
 * can reset a connection mid-answer once the downstream byte count crosses chosen marks.
 */
public final class LinkProxy implements AutoCloseable {
    /** How one direction is shaped: {@code bytesPerSecond} 0 or less is unlimited. */
    public record Shape(long bytesPerSecond, Duration oneWayDelay) {
        public static final Shape UNSHAPED = new Shape(0, Duration.ZERO);
    }

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final LinkDirection downstream;
    private final LinkDirection upstream;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<LinkConnection> open = ConcurrentHashMap.newKeySet();

    private LinkProxy(InetSocketAddress target, Shape down, Shape up) throws IOException {
        this.target = target;
        this.downstream = new LinkDirection("down", down.bytesPerSecond(), down.oneWayDelay());
        this.upstream = new LinkDirection("up", up.bytesPerSecond(), up.oneWayDelay());
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "link-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy to {@code target} whose link has the same rate and one-way delay in both directions. */
    public static LinkProxy start(InetSocketAddress target, long bytesPerSecond, Duration oneWayDelay) {
        Shape shape = new Shape(bytesPerSecond, oneWayDelay);
        return start(target, shape, shape);
    }

    /** A proxy to {@code target} shaping server→client as {@code down} and client→server as {@code up}. */
    public static LinkProxy start(InetSocketAddress target, Shape down, Shape up) {
        try {
            return new LinkProxy(target, down, up);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A proxy that only counts and cuts, at loopback speed. */
    public static LinkProxy unshaped(InetSocketAddress target) {
        return start(target, Shape.UNSHAPED, Shape.UNSHAPED);
    }

    /** The port on 127.0.0.1 clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** Bytes forwarded from the target to clients, over all connections. */
    public long downstreamBytes() {
        return downstream.bytes();
    }

    /**
     * Bytes the target sent that the downstream link has taken so far (forwarded, or still on their
     * way): while this does not grow, the link is idle.
     */
    public long downstreamBytesOnLink() {
        return downstream.bytesOnLink();
    }

    /** Bytes forwarded from clients to the target, over all connections. */
    public long upstreamBytes() {
        return upstream.bytes();
    }

    /** Connections accepted so far. */
    public int connections() {
        return accepted.get();
    }

    /**
     * Resets the connection whose bytes make the downstream total cross one of {@code totalBytes}: the
     * bytes up to the mark are forwarded, then both sides are closed abruptly. Each mark fires once.
     */
    public void cutDownstreamAt(long... totalBytes) {
        downstream.cutAt(totalBytes);
    }

    /** Cut marks that fired so far. */
    public int cuts() {
        return downstream.cuts();
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Socket far = new Socket();
            try {
                client.setTcpNoDelay(true);
                far.setTcpNoDelay(true);
                far.connect(target, 10_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(far);
                continue;
            }
            LinkConnection[] self = new LinkConnection[1];
            LinkConnection connection = new LinkConnection(client, far, () -> open.remove(self[0]));
            self[0] = connection;
            open.add(connection);
            if (server.isClosed()) {
                connection.close();
                return;
            }
            upstream.carry(client, far, connection);
            downstream.carry(far, client, connection);
        }
    }

    /** Stops listening and closes every open connection. */
    @Override
    public void close() {
        closeQuietly(server);
        for (LinkConnection connection : open) {
            connection.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
