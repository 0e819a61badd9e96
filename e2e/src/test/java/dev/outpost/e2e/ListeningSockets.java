package dev.outpost.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The TCP ports processes listen on, read from Linux's {@code /proc} (their open sockets, and the
 * kernel's socket tables), with the address each is bound to.
 */
final class ListeningSockets {
    private static final String LISTEN = "0A";
    private static final Set<String> LOOPBACK = Set.of(
            "0100007F", // 127.0.0.1
            "0000000000000000FFFF00000100007F", // ::ffff:127.0.0.1
            "00000000000000000000000001000000"); // ::1

    private ListeningSockets() {}

    /** One listening socket: its local address as the kernel writes it (hex) and its port. */
    record Listener(String address, int port) {
        boolean loopback() {
            return LOOPBACK.contains(address);
        }

        @Override
        public String toString() {
            return (loopback() ? "loopback" : address) + ":" + port;
        }
    }

    /** Whether this machine has the {@code /proc} files read here. */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    /** What the processes {@code pids} listen on. */
    static List<Listener> of(Iterable<Long> pids) throws IOException {
        Set<String> inodes = new HashSet<>();
        for (long pid : pids) {
            Path fds = Path.of("/proc", Long.toString(pid), "fd");
            try (Stream<Path> links = Files.list(fds)) {
                for (Path link : links.toList()) {
                    try {
                        String target = Files.readSymbolicLink(link).toString();
                        if (target.startsWith("socket:[")) {
                            inodes.add(target.substring(8, target.length() - 1));
                        }
                    } catch (IOException closedMeanwhile) {
                        // the descriptor was closed while listed
                    }
                }
            } catch (IOException ended) {
                // the process ended meanwhile
            }
        }
        List<Listener> listeners = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && LISTEN.equals(f[3]) && inodes.contains(f[9])) {
                    String[] local = f[1].split(":");
                    listeners.add(new Listener(local[0].toUpperCase(Locale.ROOT), Integer.parseInt(local[1], 16)));
                }
            }
        }
        return listeners;
    }
}
