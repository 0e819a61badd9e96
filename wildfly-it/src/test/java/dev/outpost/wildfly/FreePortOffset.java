package dev.outpost.wildfly;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Picks a WildFly port offset whose ports are all free on this (shared) machine and publishes it as
 * the system properties {@code wildfly.portOffset} and {@code wildfly.managementPort}, which
 * {@code arquillian.xml} (qualifier {@code wildfly}) passes to the managed container. Runs when the
 * JUnit Platform launcher session opens, before Arquillian reads its configuration.
 *
 * <p>A {@code wildfly.portOffset} that is already set (e.g. {@code -Dwildfly.portOffset=100} in
 * failsafe's {@code argLine}) is used as it is; the management port is always derived from it.
 */
public class FreePortOffset implements LauncherSessionListener {
    /**
     * The ports the stock standalone.xml binds, all shifted by the offset: http, https, management
     * http and https, ajp, and the transaction manager's recovery and status sockets.
     */
    static final int[] BASE_PORTS = {8080, 8443, 9990, 9993, 8009, 4712, 4713};

    /** Offsets keep every port between 5712 and 31993: away from the usual ones and the ephemeral range. */
    static final int MIN_OFFSET = 1000;

    static final int MAX_OFFSET = 22000;

    private static final int ATTEMPTS = 200;

    private static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String preset = System.getProperty("wildfly.portOffset");
        int offset = preset != null ? Integer.parseInt(preset.trim()) : pick();
        System.setProperty("wildfly.portOffset", Integer.toString(offset));
        System.setProperty("wildfly.managementPort", Integer.toString(9990 + offset));
        System.out.printf("WildFly port offset %d: http %d, management %d%n", offset, 8080 + offset, 9990 + offset);
    }

    /** A random offset whose shifted ports can all be bound right now. */
    static int pick() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < ATTEMPTS; i++) {
            int offset = random.nextInt(MIN_OFFSET, MAX_OFFSET + 1);
            if (allFree(offset)) {
                return offset;
            }
        }
        throw new IllegalStateException("no free WildFly port offset found in " + ATTEMPTS + " attempts");
    }

    private static boolean allFree(int offset) {
        for (int base : BASE_PORTS) {
            if (!free(base + offset)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the port can be bound both on the loopback address and on all interfaces. */
    static boolean free(int port) {
        return bindable(LOOPBACK, port) && bindable(null, port);
    }

    private static boolean bindable(InetAddress address, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // stricter than the server needs (no SO_REUSEADDR): skip ports with lingering connections too
            socket.setReuseAddress(false);
            socket.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
