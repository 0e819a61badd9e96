package dev.outpost.e2e;

import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The run command ({@code mvn -f parent/pom.xml -Prun package}): PostgreSQL, the WAR on Payara Micro
 * on the loopback interface applying the changelogs at start-up, demo data in a new database, and what
 * to type next: the server's and the console's addresses, tokens, the database, and the client
 * commands. Runs until interrupted (Ctrl-C).
 *
 * <p>Options (system properties, {@code -D} on the Maven command line):
 *
 * <ul>
 *   <li>{@value #PORT}: the HTTP port (default {@value #DEFAULT_PORT}); when it is taken, another one
 *       is used and a notice says so
 *   <li>{@value #STATE}: where the run keeps its state (default {@code e2e/target/demo}): the embedded
 *       PostgreSQL's data directory {@code postgres/}, the server's properties file and log
 *   <li>{@value #FRESH}: {@code true} deletes the embedded PostgreSQL's data first
 *   <li>{@code outpost.jdbcUrl}, {@code outpost.jdbcUser}, {@code outpost.jdbcPassword}: the user's own
 *       PostgreSQL instead of the embedded one
 *   <li>{@value #CLI_JAR}: the client's command-line jar the printed commands use
 * </ul>
 */
public final class DemoServer {
    static final String PORT = "outpost.port";
    static final String STATE = "outpost.demoDir";
    static final String FRESH = "outpost.fresh";
    static final String CLI_JAR = "outpost.cliJar";
    static final int DEFAULT_PORT = 8080;
    static final String SYNC_TOKEN = "demo-sync-token";
    static final String WRITE_TOKEN = "demo-write-token";

    private DemoServer() {}

    public static void main(String[] args) throws Exception {
        // the embedded PostgreSQL's start-up chatter would bury what the run prints; its errors still show
        if (System.getProperty("org.slf4j.simpleLogger.log.io.zonky") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.zonky", "warn");
        }
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path state = Path.of(System.getProperty(STATE, runDir.resolve("demo").toString()))
                .toAbsolutePath();
        Files.createDirectories(state);
        PrintStream out = System.out;

        DemoDatabase database = openDatabase(state, out);
        String adminToken = "demo-admin-" + randomText();
        Path properties = state.resolve("server.properties");
        Files.writeString(
                properties,
                database.serverProperties() + "outpost.sync-tokens=" + SYNC_TOKEN + "\noutpost.write-tokens="
                        + WRITE_TOKEN + "\noutpost.admin-tokens=" + adminToken + "\n");

        int wanted = wantedPort();
        int port = PayaraMicroServer.isFree(wanted) ? wanted : PayaraMicroServer.freePort();
        Path log = state.resolve("payara.log");
        out.println("Starting Payara Micro with the Outpost WAR on 127.0.0.1:" + port + " (log: " + log + ") ...");
        PayaraMicroServer server;
        try {
            server = PayaraMicroServer.start(runDir, properties, log, port);
        } catch (Exception e) {
            database.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            database.close();
            stopped.countDown();
        }));

        boolean loadDemoData = database.fresh() || (database.embedded() == null && database.isEmptyExternal());
        if (loadDemoData) {
            try (Connection c = database.connect()) {
                DemoData.release1(c, 20, 500);
                DemoData.release2(c);
                DemoData.release4(c);
            }
            out.println("Demo data loaded: 20 companies, 10000 users, their workspaces, preferences and notes.");
        }
        if (port != wanted) {
            printPortNotice(out, wanted, port);
        }
        printSummary(out, server.baseUri(), adminToken, database, cliJar(runDir));
        stopped.await();
    }

    private static DemoDatabase openDatabase(Path state, PrintStream out) throws Exception {
        String jdbcUrl = System.getProperty("outpost.jdbcUrl");
        if (jdbcUrl != null) {
            out.println("Database: your PostgreSQL at " + jdbcUrl
                    + " (demo data is loaded only when it holds no company yet)");
            return DemoDatabase.external(
                    jdbcUrl,
                    System.getProperty("outpost.jdbcUser", "postgres"),
                    System.getProperty("outpost.jdbcPassword", ""));
        }
        Path data = state.resolve("postgres");
        boolean startFresh = Boolean.getBoolean(FRESH);
        DemoDatabase database = DemoDatabase.embedded(data, startFresh);
        if (database.fresh()) {
            out.println("Database: FRESH - a new embedded PostgreSQL in " + data
                    + (startFresh ? " (" + FRESH + "=true)" : "") + "; the demo data will be loaded.");
        } else {
            out.println("Database: KEPT - the embedded PostgreSQL in " + data
                    + " from an earlier run, with its data and releases. Start over with -D" + FRESH + "=true.");
        }
        return database;
    }

    private static void printPortNotice(PrintStream out, int wanted, int port) {
        String bar = "!".repeat(78);
        out.println();
        out.println(bar);
        out.println("!!  PORT " + wanted + " IS TAKEN: the server listens on port " + port + " INSTEAD.");
        out.println("!!  Use the addresses below (with port " + port + "), not port " + wanted + ".");
        out.println("!!  Choose the port with -D" + PORT + "=NNNN.");
        out.println(bar);
    }

    private static void printSummary(
            PrintStream out, URI server, String adminToken, DemoDatabase database, Path cliJar) {
        String replica = "./outpost-replica";
        String client = "java -jar " + cliJar;
        String remote = " --server " + server + " --token " + SYNC_TOKEN + " --replica " + replica;
        out.println();
        out.println("Outpost is running. Ctrl-C stops it.");
        out.println();
        out.println("  Server:         " + server + "   (listening on 127.0.0.1 only)");
        out.println("  Admin console:  " + server + "admin/");
        out.println("  Admin token:    " + adminToken + "   (new each run)");
        out.println("  Sync token:     " + SYNC_TOKEN + "   write token: " + WRITE_TOKEN);
        out.println("  Database:       " + database.jdbcUrl() + "   user " + database.user() + "   password "
                + database.password());
        if (database.dataDirectory() != null) {
            out.println("  Database files: " + database.dataDirectory() + "   ("
                    + (database.fresh() ? "fresh" : "kept from an earlier run") + ")");
        }
        out.println();
        out.println("Client commands (copy them into another terminal):");
        for (String command : List.of(
                client + " sync" + remote,
                client + " status" + remote,
                client + " sql --replica " + replica + " \"select count(*) from users\"",
                client + " sync --live" + remote)) {
            out.println("  " + command);
        }
        out.println();
        out.println("Write a row through the application (a live sync shows it at once):");
        out.println("  curl -H 'Authorization: Bearer " + WRITE_TOKEN + "' -H 'Content-Type: application/json'"
                + " -d '{\"name\": \"Acme\"}' " + server + "api/companies");
        out.flush();
    }

    private static int wantedPort() {
        String value = System.getProperty(PORT, Integer.toString(DEFAULT_PORT)).trim();
        try {
            int port = Integer.parseInt(value);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(PORT + " must be a port number (1-65535), not '" + value + "'");
    }

    /** The client build's command-line jar, or the copy next to the server when that build is elsewhere. */
    private static Path cliJar(Path runDir) {
        String built = System.getProperty(CLI_JAR);
        if (built != null && Files.isRegularFile(Path.of(built))) {
            return Path.of(built).toAbsolutePath().normalize();
        }
        return runDir.resolve("outpost-cli.jar");
    }

    private static String randomText() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
