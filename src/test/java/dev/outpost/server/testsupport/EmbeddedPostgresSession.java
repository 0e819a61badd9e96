package dev.outpost.server.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Starts one real PostgreSQL (zonky, binaries from Maven Central, on a free port) per integration
 * test JVM, before Arquillian boots the app server, and writes the server properties file that the
 * server is started with ({@code outpost.serverProperties}). Does nothing in unit-test JVMs, where
 * that property is not set.
 */
public class EmbeddedPostgresSession implements LauncherSessionListener {
    /** Token the test server accepts for the sync endpoints. */
    public static final String SYNC_TOKEN = "it-sync-token";

    /** Token the test server accepts for the write endpoints. */
    public static final String WRITE_TOKEN = "it-write-token";

    /** Bootstrap token the test server accepts for the admin API. */
    public static final String ADMIN_TOKEN = "it-admin-token";

    /** Bootstrap token the test server accepts for the metrics. */
    public static final String METRICS_TOKEN = "it-metrics-token";

    private static EmbeddedPostgres postgres;
    private static Path data;
    private static int port;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String properties = System.getProperty("outpost.serverProperties");
        if (properties == null || postgres != null) {
            return;
        }
        try {
            // a data directory of its own, kept across stopPostgres()/startPostgres() and deleted at the end
            data = Files.createTempDirectory("outpost-it-postgres");
            postgres = TestPostgres.start("logical", data, 0);
            port = postgres.getPort();
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            Files.writeString(
                    Path.of(properties),
                    TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                            + "outpost.sync-tokens=" + SYNC_TOKEN + "\n"
                            + "outpost.write-tokens=" + WRITE_TOKEN + "\n"
                            + "outpost.admin-tokens=" + ADMIN_TOKEN + "\n"
                            + "outpost.metrics-tokens=" + METRICS_TOKEN + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("embedded PostgreSQL failed to start", e);
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        TestPostgres.stop(postgres);
        postgres = null;
        if (data != null) {
            TestPostgres.deleteTree(data);
            data = null;
        }
    }

    /** Stops the session's PostgreSQL (a fast shutdown), as an outage would; {@link #startPostgres} undoes it. */
    public static synchronized void stopPostgres() {
        running();
        TestPostgres.stop(postgres);
        postgres = null;
    }

    /** Starts the session's PostgreSQL again on the same data directory and port, if it is stopped. */
    public static synchronized void startPostgres() throws IOException {
        if (postgres == null && data != null) {
            postgres = TestPostgres.start("logical", data, port);
        }
    }

    /**
     * A connection to a new, empty database of its own (owned by the superuser), for tests that need a
     * history or schema nobody else touches.
     */
    public static Connection scratchDatabase(String name) throws SQLException {
        running();
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                java.sql.Statement st = c.createStatement()) {
            st.execute("drop database if exists " + name);
            st.execute("create database " + name);
        }
        return postgres.getDatabase("postgres", name).getConnection();
    }

    private static void running() {
        if (postgres == null) {
            throw new IllegalStateException("no embedded PostgreSQL: run this test with failsafe (mvn verify)");
        }
    }

    /** A connection to the application's database as the superuser, for what only it may read or create. */
    public static Connection connectAsSuperuser() throws SQLException {
        running();
        return postgres.getDatabase("postgres", "outpost").getConnection();
    }

    /** A connection to the application's database as the application's user. */
    public static Connection connect() throws SQLException {
        running();
        return postgres.getDatabase("outpost", "outpost").getConnection();
    }
}
