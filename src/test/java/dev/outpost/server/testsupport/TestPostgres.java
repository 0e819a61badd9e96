package dev.outpost.server.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Stream;

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

    /** What a base backup leaves out: a running server's own files, and the WAL that streaming brings. */
    private static final Set<String> NOT_BACKED_UP = Set.of(
            "postmaster.pid",
            "postmaster.opts",
            "epg-lock",
            "pg_wal",
            "pg_replslot",
            "pg_stat_tmp",
            "pg_dynshmem",
            "pg_notify",
            "pg_serial",
            "pg_snapshots",
            "pg_subtrans");

    /**
     * A hot standby of {@code primary} (whose data directory is {@code primaryData}) on {@code
     * standbyData}, streaming from it through a physical replication slot, as an operator sets one up:
     * a base backup taken while the primary runs ({@code pg_backup_start}, a copy of the directory,
     * {@code pg_backup_stop}), then {@code standby.signal} and {@code primary_conninfo}.
     */
    public static EmbeddedPostgres startStandby(EmbeddedPostgres primary, Path primaryData, Path standbyData)
            throws IOException, SQLException {
        try (Connection c = primary.getPostgresDatabase().getConnection();
                Statement st = c.createStatement()) {
            st.execute("select pg_create_physical_replication_slot('outpost_standby', true)");
            st.execute("select pg_backup_start('outpost-standby', true)");
            copyForBackup(primaryData, standbyData);
            try (ResultSet rs = st.executeQuery("select labelfile from pg_backup_stop(false)")) {
                rs.next();
                Files.writeString(standbyData.resolve("backup_label"), rs.getString(1));
            }
        }
        Files.writeString(standbyData.resolve("standby.signal"), "");
        Files.writeString(
                standbyData.resolve("postgresql.auto.conf"),
                "primary_conninfo = 'host=127.0.0.1 port=" + primary.getPort() + " user=postgres'\n"
                        + "primary_slot_name = 'outpost_standby'\n",
                StandardOpenOption.APPEND);
        return builder("logical")
                .setDataDirectory(standbyData)
                .setCleanDataDirectory(false)
                .start();
    }

    /** Copies a running server's data directory, the directories {@link #NOT_BACKED_UP} names empty. */
    private static void copyForBackup(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path relative = from.relativize(path);
                boolean skipped = relative.getNameCount() > 0
                        && NOT_BACKED_UP.contains(relative.getName(0).toString());
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(path)) {
                    if (relative.getNameCount() <= 1 || !skipped) {
                        Files.createDirectories(target);
                    }
                } else if (!skipped) {
                    try {
                        Files.copy(path, target);
                    } catch (NoSuchFileException e) {
                        // a temporary file removed while copying: the WAL replayed from the backup's start covers it
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        Files.createDirectories(to.resolve("pg_wal/archive_status"));
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
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
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
