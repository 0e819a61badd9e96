package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link proxy against a small server of its own: bytes arrive intact and in order, the rate and
 * the one-way delay bound the time a transfer and a round trip take, and cut marks reset a
 * connection after exactly that many downstream bytes.
 */
class LinkProxyTest {
    private ServerSocket server;

    /** A server answering 'E' by echoing until end of stream, and 'S' + a length by sending that many bytes. */
    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(
                () -> {
                    while (!server.isClosed()) {
                        try {
                            Socket socket = server.accept();
                            Thread handler = new Thread(() -> serve(socket));
                            handler.setDaemon(true);
                            handler.start();
                        } catch (IOException e) {
                            return;
                        }
                    }
                },
                "link-test-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    private static void serve(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            int command = in.read();
            if (command == 'E') {
                in.transferTo(out);
            } else if (command == 'S') {
                long length = in.readLong();
                byte[] block = new byte[8192];
                for (long sent = 0; sent < length; sent += block.length) {
                    int n = (int) Math.min(block.length, length - sent);
                    for (int i = 0; i < n; i++) {
                        block[i] = pattern(sent + i);
                    }
                    out.write(block, 0, n);
                }
            }
        } catch (IOException e) {
            // the proxy reset the connection
        }
    }

    private static byte pattern(long index) {
        return (byte) (index % 251);
    }

    private InetSocketAddress target() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private static Socket connect(LinkProxy proxy) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        socket.setTcpNoDelay(true);
        return socket;
    }

    /** Asks the server through {@code socket} for {@code length} bytes and returns how many of the pattern arrived. */
    private static long receive(Socket socket, long length) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.write('S');
        out.writeLong(length);
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[32 * 1024];
        long received = 0;
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    assertEquals(pattern(received + i), buffer[i], "byte " + (received + i));
                }
                received += n;
            }
        } catch (IOException e) {
            // a reset: what arrived before it counts
        }
        return received;
    }

    @Test
    void bytesArriveIntactAndInOrder() throws Exception {
        byte[] sent = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(sent);
        try (LinkProxy proxy = LinkProxy.unshaped(target());
                Socket socket = connect(proxy)) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    out.write('E');
                    out.write(sent);
                    socket.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            writer.setDaemon(true);
            writer.start();
            byte[] echoed = socket.getInputStream().readAllBytes();
            writer.join();

            assertArrayEquals(sent, echoed);
            assertEquals(sent.length + 1, proxy.upstreamBytes());
            assertEquals(sent.length, proxy.downstreamBytes());
            assertEquals(1, proxy.connections());
        }
    }

    @Test
    void rateBoundsTransferTime() throws Exception {
        try (LinkProxy proxy = LinkProxy.start(target(), 1_000_000, Duration.ZERO);
                Socket socket = connect(proxy)) {
            long start = System.nanoTime();
            long received = receive(socket, 2_000_000);
            double seconds = (System.nanoTime() - start) / 1e9;

            assertEquals(2_000_000, received);
            assertTrue(seconds >= 1.8, "2 MB at 1 MB/s took " + seconds + " s");
        }
    }

    @Test
    void oneWayDelayMakesEachRoundTripCostTwice() throws Exception {
        try (LinkProxy proxy = LinkProxy.start(target(), 0, Duration.ofMillis(100));
                Socket socket = connect(proxy)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write('E');
            for (int round = 0; round < 3; round++) {
                long start = System.nanoTime();
                out.write(round);
                out.flush();
                assertEquals(round, in.read());
                double millis = (System.nanoTime() - start) / 1e6;
                assertTrue(millis >= 200, "round trip " + round + " took " + millis + " ms");
            }
        }
    }

    @Test
    void cutMarksResetTheConnectionCarryingThatByte() throws Exception {
        try (LinkProxy proxy = LinkProxy.unshaped(target())) {
            proxy.cutDownstreamAt(100_000, 180_000);
            long first;
            try (Socket socket = connect(proxy)) {
                first = receive(socket, 1_000_000);
            }
            assertTrue(first <= 100_000, "the first answer breaks at the mark, got " + first);
            assertEquals(100_000, proxy.downstreamBytes());
            assertEquals(1, proxy.cuts());

            try (Socket socket = connect(proxy)) {
                assertEquals(50_000, receive(socket, 50_000), "a fired mark does not fire again");
            }
            assertEquals(150_000, proxy.downstreamBytes());

            long third;
            try (Socket socket = connect(proxy)) {
                third = receive(socket, 100_000);
            }
            assertTrue(third <= 30_000, "the third answer breaks at the second mark, got " + third);
            assertEquals(180_000, proxy.downstreamBytes());
            assertEquals(2, proxy.cuts());
            assertEquals(3, proxy.connections());
            assertEquals(3 * 9, proxy.upstreamBytes());
        }
    }
}
