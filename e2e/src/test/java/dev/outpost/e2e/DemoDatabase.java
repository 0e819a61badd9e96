package dev.outpost.e2e;

import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The run command's PostgreSQL: an embedded one whose data directory is kept between runs (created
 * on the first run, or when asked to start fresh), or one the user names by JDBC URL.
 *
 * @param fresh whether the database is new (the demo data goes only into a new database)
 * @param dataDirectory where the embedded PostgreSQL keeps its files ({@code null} for the user's own)
 */
record DemoDatabase(
        String jdbcUrl, String user, String password, boolean fresh, Path dataDirectory, EmbeddedPostgres embedded)
        implements AutoCloseable {
    static final String NAME = "outpost";
    static final String PASSWORD = "outpost";

    /**
     * Starts the embedded PostgreSQL on {@code dataDirectory}: the database of an earlier run is kept,
     * unless {@code startFresh}, which deletes the directory first.
     */
    static DemoDatabase embedded(Path dataDirectory, boolean startFresh) throws IOException, SQLException {
        if (startFresh) {
            delete(dataDirectory);
        }
        Files.createDirectories(dataDirectory);
        EmbeddedPostgres postgres;
        try {
            postgres = TestPostgres.startKept(dataDirectory);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "the embedded PostgreSQL did not start on " + dataDirectory
                            + " (is the run command already running on it? Start over with -Doutpost.fresh=true): "
                            + e.getMessage(),
                    e);
        }
        boolean created = false;
        try {
            if (!databaseExists(postgres)) {
                TestPostgres.createDatabase(postgres, NAME, PASSWORD);
                created = true;
            }
        } catch (SQLException | RuntimeException e) {
            TestPostgres.stop(postgres);
            throw e;
        }
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + NAME;
        return new DemoDatabase(url, NAME, PASSWORD, created, dataDirectory, postgres);
    }

    /** The user's own PostgreSQL: new when the example application's tables hold no company yet. */
    static DemoDatabase external(String jdbcUrl, String user, String password) {
        return new DemoDatabase(jdbcUrl, user, password, false, null, null);
    }

    /** Whether the user's own database is new: read after the server applied the changelogs. */
    boolean isEmptyExternal() throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from companies")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, user, password);
    }

    /** The {@code db.*} lines of the server's properties file. */
    String serverProperties() {
        java.net.URI db = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
        return "db.host=" + db.getHost() + "\ndb.port=" + (db.getPort() < 0 ? 5432 : db.getPort()) + "\ndb.name="
                + db.getPath().substring(1) + "\ndb.user=" + user + "\ndb.password=" + password + "\n";
    }

    @Override
    public void close() {
        TestPostgres.stop(embedded);
    }

    private static boolean databaseExists(EmbeddedPostgres postgres) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                PreparedStatement st = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            st.setString(1, NAME);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Deletes a PostgreSQL data directory; refuses any other non-empty directory. */
    private static void delete(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            if (entries.findAny().isPresent() && !Files.exists(directory.resolve("PG_VERSION"))) {
                throw new IllegalStateException(directory + " is not a PostgreSQL data directory: not deleting it");
            }
        }
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
