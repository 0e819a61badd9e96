package dev.outpost.cli;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.OutpostReplica;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Optional;
import java.util.Properties;
import org.apache.derby.drda.NetworkServerControl;

/**
 * {@code sync --live --serve}: the replica served read-only over Derby's network protocol on the
 * loopback interface, so that other processes (the {@code sql} command, any JDBC tool with Derby's
 * client driver) read it while this process follows the feed; Derby's embedded engine lets one JVM
 * open a database. Readers are let in by {@link ServedReaders}: user {@value ServedReaders#READER}, a
 * random password, read-only (Derby refuses data changes, DDL and the procedures that change the
 * database). Where it is served (URL, user, password) is in the file {@value #FILE} of the replica
 * directory, readable by its owner only, rewritten when a rebuild changes the active database (a
 * reader's session on the replaced one ends when it is deleted) and removed when the process stops. So only the replica's owner (who may write the replica's files
 * anyway) can connect; read-only guards the replica against that owner's tools, and Derby's export
 * procedures, which write a file of the query's rows as this process, add nothing the owner cannot do.
 */
final class ServedReplica implements AutoCloseable {
    /** The file in the replica directory that says where a live process serves it. */
    static final String FILE = "SERVED";

    /** The schema of the replica's tables (Derby's default), which a reader sets: its own is {@code READER}. */
    static final String SCHEMA = "APP";

    private static final int PING_ATTEMPTS = 100;

    private final Path directory;
    private final String password;
    private final int port;
    private final NetworkServerControl server;
    private volatile String url;

    private ServedReplica(Path directory, String password, int port, NetworkServerControl server) {
        this.directory = directory;
        this.password = password;
        this.port = port;
        this.server = server;
    }

    /**
     * Turns Derby's authentication on for this JVM ({@link ServedReaders}, read-only by default, full
     * access for the embedded user): must run before Derby boots, that is before the replica opens.
     */
    static void prepare() {
        System.setProperty("derby.connection.requireAuthentication", "true");
        System.setProperty("derby.authentication.provider", ServedReaders.class.getName());
        System.setProperty("derby.database.defaultConnectionMode", "readOnlyAccess");
        System.setProperty("derby.database.fullAccessUsers", "APP");
    }

    /** Serves the replica's active database on 127.0.0.1:{@code port} (0: a free port) and writes {@value #FILE}. */
    static ServedReplica start(OutpostReplica replica, Path directory, int port) {
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try {
            int chosen = port == 0 ? freePort() : port;
            Path database = activeDatabase(replica);
            ServedReaders.allow(password, database);
            NetworkServerControl server = new NetworkServerControl(InetAddress.getLoopbackAddress(), chosen);
            server.start(null);
            awaitStarted(server);
            ServedReplica served = new ServedReplica(directory, password, chosen, server);
            served.publish(database);
            return served;
        } catch (Exception e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot serve the replica: " + e.getMessage(), e);
        }
    }

    /** The JDBC URL readers use (with user {@value ServedReaders#READER} and the password in {@value #FILE}). */
    String url() {
        return url;
    }

    /** Serves the replica's active database from now on (after a rebuild switched to a new one). */
    void follow(OutpostReplica replica) {
        try {
            Path database = activeDatabase(replica);
            ServedReaders.serving(database);
            publish(database);
        } catch (IOException | SQLException e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot serve the new database: " + e.getMessage(), e);
        }
    }

    /** Removes {@value #FILE}; the network server ends with the process (its readers' sessions with the database). */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(directory.resolve(FILE));
        } catch (IOException e) {
            // a stale file is harmless: its URL refuses connections and sql reads the replica directly
        }
    }

    /**
     * Where a live process serves the replica in {@code directory}, if one says so in {@value #FILE}
     * (it may be stale: a process killed without its stop).
     */
    static Optional<Properties> find(Path directory) {
        Path file = directory.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties where = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            where.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        return where.getProperty("url") == null ? Optional.empty() : Optional.of(where);
    }

    private void publish(Path database) throws IOException {
        url = "jdbc:derby://127.0.0.1:" + port + "/" + database;
        Properties where = new Properties();
        where.setProperty("url", url);
        where.setProperty("user", ServedReaders.READER);
        where.setProperty("password", password);
        Path tmp = directory.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            where.store(out, "the replica served by a live outpost process; removed when it stops");
        }
        Files.move(tmp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The directory of the replica's active database, from the embedded URL of a connection to it. */
    private static Path activeDatabase(OutpostReplica replica) throws SQLException {
        try (Connection c = replica.openConnection()) {
            return Path.of(c.getMetaData().getURL().substring("jdbc:derby:".length()));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitStarted(NetworkServerControl server) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                server.ping();
                return;
            } catch (Exception e) {
                if (attempt == PING_ATTEMPTS) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
