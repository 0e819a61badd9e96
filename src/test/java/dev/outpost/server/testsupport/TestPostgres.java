package dev.outpost.server.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Starting, preparing and stopping an embedded PostgreSQL for tests and the demo run. */
public final class TestPostgres {
    private TestPostgres() {}

    /** A PostgreSQL on a free port, configured as a production server would be for Outpost. */
    public static EmbeddedPostgres start() throws IOException {
        return builder("logical").start();
    }

    /**
     * A PostgreSQL with {@code walLevel} ({@code replica}: no logical decoding, as on many managed
     * databases) on {@code data}, initialised when empty and kept when not, on {@code port} or a free
     * one ({@code 0}): stopped and started again on the same directory and port, it is the same server
     * restarted with another setting.
     */
    public static EmbeddedPostgres start(String walLevel, Path data, int port) throws IOException {
        EmbeddedPostgres.Builder builder =
                builder(walLevel).setDataDirectory(data).setCleanDataDirectory(false);
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }

    /**
     * A PostgreSQL for data a user keeps (the run command's database): on {@code data}, initialised
     * when empty and kept when not, on a free port, with {@code fsync} on (the embedded server turns it
     * off, which is only fine for data thrown away after a test).
     */
    public static EmbeddedPostgres startKept(Path data) throws IOException {
        return builder("logical")
                .setServerConfig("fsync", "on")
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
    }

    private static EmbeddedPostgres.Builder builder(String walLevel) {
        return EmbeddedPostgres.builder()
                .setServerConfig("wal_level", walLevel)
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("synchronous_commit", "on")
                // statement counts (create extension pg_stat_statements where a test reads them)
                .setServerConfig("shared_preload_libraries", "pg_stat_statements");
    }

    /**
     * Creates a login role and a database it owns (the application's, as ops would). The role may
     * replicate: the server's change capture reads a logical replication slot.
     */
    public static void createDatabase(EmbeddedPostgres postgres, String name, String password) throws SQLException {
        try (Connection c = postgres.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("create user " + name + " password '" + password + "' replication");
            st.execute("create database " + name + " owner " + name);
        }
    }

    /** The {@code db.*} lines of a server properties file for a database created above. */
    public static String serverProperties(int port, String name, String password) {
        return "db.host=127.0.0.1\n"
                + "db.port=" + port + "\n"
                + "db.name=" + name + "\n"
                + "db.user=" + name + "\n"
                + "db.password=" + password + "\n";
    }

    /** Deletes a directory and everything in it, best effort (a PostgreSQL data directory). */
    public static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }

    public static void stop(EmbeddedPostgres postgres) {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
