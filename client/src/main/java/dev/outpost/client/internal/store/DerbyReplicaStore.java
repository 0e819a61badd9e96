package dev.outpost.client.internal.store;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica directory: Derby databases {@code db-<n>}, the {@code CURRENT} file naming the active
 * one, and the shadow-then-swap rebuild (see the package comment for the invariant). One process at a
 * time: the store holds a lock on {@code LOCK} while open.
 */
public final class DerbyReplicaStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DerbyReplicaStore.class);
    private static final String CURRENT = "CURRENT";
    private static final String CURRENT_TMP = "CURRENT.tmp";
    private static final Pattern DB_NAME = Pattern.compile("db-(\\d+)");

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private String current;

    private DerbyReplicaStore(Path directory, FileChannel lockChannel, FileLock lock, String current) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.current = current;
    }

    /**
     * Opens (creating when missing) a replica directory, locks it and deletes every {@code db-*}
     * directory that {@code CURRENT} does not name: leftovers of a failed or interrupted rebuild.
     */
    public static DerbyReplicaStore open(Path directory) {
        try {
            Files.createDirectories(directory);
            DerbyEngine.configure(directory);
            FileChannel channel =
                    FileChannel.open(directory.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "The replica " + directory + " is in use by another process");
            }
            String current = readCurrent(directory);
            Files.deleteIfExists(directory.resolve(CURRENT_TMP));
            for (Path db : databases(directory)) {
                if (!db.getFileName().toString().equals(current)) {
                    LOG.info("Deleting {}, left over from an unfinished rebuild", db);
                    delete(db);
                }
            }
            return new DerbyReplicaStore(directory, channel, lock, current);
        } catch (IOException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot open the replica " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The replica directory. */
    public Path directory() {
        return directory;
    }

    /** The active database's name ({@code db-<n>}), if a replica was built. */
    public Optional<String> currentName() {
        return Optional.ofNullable(current);
    }

    /** The active replica's stored state, or empty when no replica was built yet. */
    public Optional<ReplicaStatus.Local> state() {
        if (current == null) {
            return Optional.empty();
        }
        try (Connection c = connect()) {
            return Optional.of(ReplicaMetadata.read(c));
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot read the replica's metadata: " + e.getMessage(), e);
        }
    }

    /**
     * A new connection to the active database. Connections opened before a rebuild break when the
     * rebuild switches databases; open a new one after a sync.
     */
    public Connection connect() {
        if (current == null) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "The replica " + directory + " is empty: sync it first");
        }
        try {
            return DriverManager.getConnection(url(directory.resolve(current)));
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot open the replica database: " + e.getMessage(), e);
        }
    }

    /** Creates an empty shadow database for a rebuild; the active database is not touched. */
    public ShadowDatabase createShadow() {
        try {
            int next = databases(directory).stream()
                            .mapToInt(DerbyReplicaStore::number)
                            .max()
                            .orElse(0)
                    + 1;
            Path path = directory.resolve("db-" + next);
            DriverManager.getConnection(url(path) + ";create=true").close();
            return new ShadowDatabase(path.getFileName().toString(), path, url(path));
        } catch (IOException | SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot create a shadow database: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a complete shadow the active database: shuts it down cleanly, switches {@code CURRENT}
     * atomically, then shuts down and deletes the previous database. Every connection to the shadow
     * must be closed.
     */
    public void activate(ShadowDatabase shadow) {
        String previous = current;
        try {
            DerbyEngine.shutdown(shadow.path());
            Path tmp = directory.resolve(CURRENT_TMP);
            try (FileChannel out = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap((shadow.name() + "\n").getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            Files.move(
                    tmp,
                    directory.resolve(CURRENT),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot switch to the new replica database: " + e.getMessage(), e);
        }
        current = shadow.name();
        LOG.info("Replica {} now uses {}", directory, current);
        if (previous != null) {
            Path old = directory.resolve(previous);
            DerbyEngine.shutdown(old);
            deleteQuietly(old);
        }
    }

    /** Throws a failed shadow away; the active database is not touched. */
    public void discard(ShadowDatabase shadow) {
        DerbyEngine.shutdown(shadow.path());
        deleteQuietly(shadow.path());
    }

    /** Shuts the active database down and releases the directory lock. */
    @Override
    public void close() {
        if (current != null) {
            DerbyEngine.shutdown(directory.resolve(current));
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("Cannot release the lock of {}: {}", directory, e.getMessage());
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("Cannot fsync directory {} (not supported on every platform): {}", directory, e.getMessage());
        }
    }

    private static String readCurrent(Path directory) throws IOException {
        Path file = directory.resolve(CURRENT);
        if (!Files.exists(file)) {
            return null;
        }
        String name = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!DB_NAME.matcher(name).matches() || !Files.isDirectory(directory.resolve(name))) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR,
                    "The replica " + directory + " is damaged: CURRENT names '" + name
                            + "', which is not a database here");
        }
        return name;
    }

    private static List<Path> databases(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> Files.isDirectory(p)
                            && DB_NAME.matcher(p.getFileName().toString()).matches())
                    .toList();
        }
    }

    private static int number(Path db) {
        Matcher m = DB_NAME.matcher(db.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private static String url(Path db) {
        return "jdbc:derby:" + db.toAbsolutePath();
    }

    private static void deleteQuietly(Path dir) {
        try {
            delete(dir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Cannot delete {} now; it is removed on the next open: {}", dir, e.getMessage());
        }
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A database being built by a rebuild, not yet active.
     *
     * @param name directory name ({@code db-<n>})
     * @param path its directory
     * @param jdbcUrl its JDBC URL
     */
    public record ShadowDatabase(String name, Path path, String jdbcUrl) {
        /** A new connection to the shadow. */
        public Connection connect() {
            try {
                return DriverManager.getConnection(jdbcUrl);
            } catch (SQLException e) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "Cannot open the shadow database: " + e.getMessage(), e);
            }
        }
    }
}
