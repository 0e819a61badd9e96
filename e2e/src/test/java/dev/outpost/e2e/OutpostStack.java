package dev.outpost.e2e;

import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;

/**
 * What the end-to-end tests run against: an embedded PostgreSQL with one application database
 * (owned by a user of the same name), prepared by the test as a team's pipeline would (start-up
 * Liquibase is off), the WAR on Payara Micro over it, and a directory for replicas. The server
 * reads the version on every check ({@code outpost.version.max-age-ms=0}), so a release applied by a
 * test is seen by the very next sync.
 */
final class OutpostStack implements AutoCloseable {
    /** Prepares the application database before the server starts. */
    interface Preparation {
        void prepare(Connection connection) throws Exception;
    }

    private EmbeddedPostgres postgres;
    private Path postgresData;
    /** The primary's hot standby, when the stack has one. */
    private EmbeddedPostgres standby;
    /** The application database the server and {@link #connect} use (its owner is {@link #database}). */
    private String postgresDatabase;

    private final String database;
    private final Path runDir;
    private final Path serverProperties;
    private final Path work;
    private PayaraMicroServer server;

    private OutpostStack(EmbeddedPostgres postgres, String database, Path runDir, Path serverProperties, Path work) {
        this.postgres = postgres;
        this.database = database;
        this.postgresDatabase = database;
        this.runDir = runDir;
        this.serverProperties = serverProperties;
        this.work = work;
    }

    /**
     * Starts it all; {@code name} names the database, its user, the server's log and the replica
     * directory, {@code token} is the sync token the server accepts.
     */
    static OutpostStack start(String name, String token, Preparation preparation) throws Exception {
        return start(name, token, "", preparation);
    }

    /** Starts it all, with more server properties ({@code key=value} lines). */
    static OutpostStack start(String name, String token, String serverProperties, Preparation preparation)
            throws Exception {
        return start(name, token, serverProperties, "logical", preparation);
    }

    /**
     * Starts it all on a PostgreSQL with {@code walLevel} ({@code replica}: without logical decoding),
     * which {@link #restartPostgres} can restart with another.
     */
    static OutpostStack start(
            String name, String token, String serverProperties, String walLevel, Preparation preparation)
            throws Exception {
        return start(name, token, serverProperties, walLevel, false, preparation);
    }

    /**
     * Starts it all with a hot standby of the prepared database, which the server reads from ({@code
     * db.standby.*}).
     */
    static OutpostStack startWithStandby(String name, String token, Preparation preparation) throws Exception {
        return start(name, token, "", "logical", true, preparation);
    }

    private static OutpostStack start(
            String name,
            String token,
            String serverProperties,
            String walLevel,
            boolean withStandby,
            Preparation preparation)
            throws Exception {
        Path runDir = Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
        Path data = Files.createTempDirectory(runDir, name + "-postgres-");
        EmbeddedPostgres postgres = TestPostgres.start(walLevel, data, 0);
        Path properties = runDir.resolve(name + "-server.properties");
        OutpostStack stack = new OutpostStack(
                postgres, name, runDir, properties, Files.createTempDirectory(runDir, name + "-replicas-"));
        stack.postgresData = data;
        try {
            TestPostgres.createDatabase(postgres, name, name);
            try (Connection c = stack.connect()) {
                preparation.prepare(c);
            }
            String standbyProperties = "";
            if (withStandby) {
                stack.standby = TestPostgres.startStandby(
                        postgres, data, Files.createTempDirectory(runDir, name + "-standby-"));
                standbyProperties = "db.standby.host=127.0.0.1\ndb.standby.port=" + stack.standby.getPort() + "\n";
            }
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), name, name) + "outpost.sync-tokens=" + token
                            + "\noutpost.liquibase.enabled=false\n"
                            // the tests migrate and sync at once: every version check reads the database
                            + "outpost.version.max-age-ms=0\n"
                            + standbyProperties
                            + serverProperties);
            stack.server = PayaraMicroServer.start(runDir, properties, name);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** A new connection to the application database, as its owner. */
    Connection connect() throws java.sql.SQLException {
        return postgres.getDatabase(database, postgresDatabase).getConnection();
    }

    PayaraMicroServer server() {
        return server;
    }

    /**
     * Stops PostgreSQL and starts it again on the same data directory and port with {@code walLevel},
     * as an operator changing {@code wal_level} does; the server stays up and reconnects.
     */
    void restartPostgres(String walLevel) throws java.io.IOException {
        int port = postgres.getPort();
        postgres.close();
        postgres = TestPostgres.start(walLevel, postgresData, port);
    }

    /**
     * A new connection to the hot standby as superuser (read only): to the application database, or
     * to {@code postgres} with {@code cluster} (for operations).
     */
    Connection connectToStandby(boolean cluster) throws java.sql.SQLException {
        return standby.getDatabase("postgres", cluster ? "postgres" : postgresDatabase)
                .getConnection();
    }

    /** Stops the hot standby, as a failed standby host. */
    void stopStandby() {
        TestPostgres.stop(standby);
        standby = null;
    }

    /** A new connection to the cluster's {@code postgres} database, as superuser (for operations). */
    Connection connectAsSuperuser() throws java.sql.SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    /**
     * Points the server's properties (and {@link #connect}) at another database of the same owner; the
     * server reads them at its next start.
     */
    void useDatabase(String name) throws java.io.IOException {
        String properties = Files.readString(serverProperties)
                .replace("db.name=" + postgresDatabase + "\n", "db.name=" + name + "\n");
        Files.writeString(serverProperties, properties);
        postgresDatabase = name;
    }

    /** Restarts the server with its standby setting pointing at {@code port} on this machine. */
    void restartWithStandbyPort(int port) throws java.io.IOException, InterruptedException {
        stopServer();
        String properties = Files.readString(serverProperties)
                .replaceAll("(?m)^db\\.standby\\.port=.*$", "db.standby.port=" + port);
        Files.writeString(serverProperties, properties);
        restartServer();
    }

    /** Kills the server with SIGKILL, as a crash. */
    void killServer() throws InterruptedException {
        server.kill();
    }

    /** Stops the server as an operator does (SIGTERM: the application is undeployed cleanly). */
    void stopServer() throws InterruptedException {
        server.close();
    }

    /** Starts the server again on the port it had (replicas keep their server URL). */
    void restartServer() throws java.io.IOException, InterruptedException {
        server = PayaraMicroServer.start(
                runDir, serverProperties, database + "-again", server.baseUri().getPort());
    }

    /** The properties file the server runs with (for starting a second instance). */
    Path serverProperties() {
        return serverProperties;
    }

    /** Where the Payara Micro jar, the WAR and the CLI jar are. */
    Path runDir() {
        return runDir;
    }

    /** A directory for the test's replicas. */
    Path work() {
        return work;
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null) {
            server.close();
        }
        TestPostgres.stop(standby);
        TestPostgres.stop(postgres);
    }
}
