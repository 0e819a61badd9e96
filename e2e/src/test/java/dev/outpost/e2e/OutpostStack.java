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

    private final EmbeddedPostgres postgres;
    private final String database;
    private final Path runDir;
    private final Path serverProperties;
    private final Path work;
    private PayaraMicroServer server;

    private OutpostStack(EmbeddedPostgres postgres, String database, Path runDir, Path serverProperties, Path work) {
        this.postgres = postgres;
        this.database = database;
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
        Path runDir = Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
        EmbeddedPostgres postgres = TestPostgres.start();
        Path properties = runDir.resolve(name + "-server.properties");
        OutpostStack stack = new OutpostStack(
                postgres, name, runDir, properties, Files.createTempDirectory(runDir, name + "-replicas-"));
        try {
            TestPostgres.createDatabase(postgres, name, name);
            try (Connection c = stack.connect()) {
                preparation.prepare(c);
            }
            Files.writeString(
                    properties,
                    TestPostgres.serverProperties(postgres.getPort(), name, name) + "outpost.sync-tokens=" + token
                            + "\noutpost.liquibase.enabled=false\n"
                            // the tests migrate and sync at once: every version check reads the database
                            + "outpost.version.max-age-ms=0\n"
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
        return postgres.getDatabase(database, database).getConnection();
    }

    PayaraMicroServer server() {
        return server;
    }

    /** Kills the server with SIGKILL, as a crash. */
    void killServer() throws InterruptedException {
        server.kill();
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
        TestPostgres.stop(postgres);
    }
}
