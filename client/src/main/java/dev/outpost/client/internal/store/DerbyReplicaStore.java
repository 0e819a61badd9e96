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
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica directory: Derby databases {@code db-<n>}, the {@code CURRENT} file naming the active
 * one, the replica's id ({@link ReplicaId}), and the shadow-then-swap rebuild (see the package comment for the invariant). One process at a
 * time: the store holds a lock on {@code LOCK} while open; a replica on a read-only file system is
 * opened for reading only, without the lock.
 */
public final class DerbyReplicaStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DerbyReplicaStore.class);
    private static final String CURRENT = "CURRENT";
    private static final String CURRENT_TMP = "CURRENT.tmp";
    private static final Pattern DB_NAME = Pattern.compile("db-(\\d+)");

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final DatabaseLeases leases = new DatabaseLeases(db -> {
        DerbyEngine.shutdown(db);
        deleteQuietly(db);
    });
    private final Object switching = new Object();
    private final UUID replicaId;
    private volatile String current;
    private String pending;

    private DerbyReplicaStore(
            Path directory, UUID replicaId, FileChannel lockChannel, FileLock lock, String current, String pending) {
        this.directory = directory;
        this.replicaId = replicaId;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.current = current;
        this.pending = pending;
    }

    /**
     * Opens (creating when missing) a replica directory, locks it and deletes every {@code db-*}
     * directory that {@code CURRENT} does not name, except the newest one created after it: that one
     * may be an interrupted rebuild that the next sync can resume ({@link #pendingShadow()}).
     */
    public static DerbyReplicaStore open(Path directory) {
        if (Files.isDirectory(directory) && !Files.isWritable(directory)) {
            return openReadOnly(directory);
        }
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
            UUID replicaId;
            String current;
            try {
                replicaId = ReplicaId.readOrCreate(directory);
                current = readCurrent(directory);
            } catch (IOException | RuntimeException e) {
                lock.release();
                channel.close();
                throw e;
            }
            Files.deleteIfExists(directory.resolve(CURRENT_TMP));
            int currentNumber = current == null ? 0 : number(directory.resolve(current));
            String pending = databases(directory).stream()
                    .filter(db -> number(db) > currentNumber)
                    .max(Comparator.comparingInt(DerbyReplicaStore::number))
                    .map(db -> db.getFileName().toString())
                    .orElse(null);
            for (Path db : databases(directory)) {
                String name = db.getFileName().toString();
                if (!name.equals(current) && !name.equals(pending)) {
                    LOG.info("Deleting {}, left over from an earlier rebuild", db);
                    delete(db);
                }
            }
            return new DerbyReplicaStore(directory, replicaId, channel, lock, current, pending);
        } catch (IOException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot open the replica " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a replica on a read-only file system (a write-protected medium, a read-only mount): its
     * active database can be read (Derby opens a database it cannot write read-only), nothing else:
     * no lock is taken, no leftover is deleted, and a sync is refused ({@link #readOnly()}).
     */
    private static DerbyReplicaStore openReadOnly(Path directory) {
        try {
            DerbyEngine.configure(Path.of(System.getProperty("java.io.tmpdir")));
            LOG.info("The replica {} is on a read-only file system: opened for reading only", directory);
            return new DerbyReplicaStore(
                    directory, ReplicaId.read(directory).orElse(null), null, null, readCurrent(directory), null);
        } catch (IOException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot open the replica " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Whether the replica was opened for reading only (its file system cannot be written). */
    public boolean readOnly() {
        return lock == null;
    }

    /**
     * The replica's id ({@code REPLICA_ID}), kept for the directory's life; {@code null} only for a
     * replica opened read-only that was never opened writable by a client that names replicas.
     */
    public UUID replicaId() {
        return replicaId;
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

    /** The active replica's state with each table's current row count, or empty when none was built. */
    public Optional<ReplicaStatus.Local> stateWithCurrentRows() {
        if (current == null) {
            return Optional.empty();
        }
        try (Connection c = connect()) {
            return Optional.of(CurrentRowCounts.of(c, ReplicaMetadata.read(c)));
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot read the replica's tables: " + e.getMessage(), e);
        }
    }

    /**
     * A new connection to the active database. It keeps reading the database it was opened on, even
     * after a rebuild switched to a new one; that database is deleted when its last connection closes.
     * Open a new connection to see a newer version.
     */
    public Connection connect() {
        synchronized (switching) {
            if (current == null) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "The replica " + directory + " is empty: sync it first");
            }
            Path db = directory.resolve(current);
            try {
                return leases.lease(db, DriverManager.getConnection(url(db)));
            } catch (SQLException e) {
                throw new OutpostException(
                        ErrorCode.REPLICA_ERROR, "Cannot open the replica database: " + e.getMessage(), e);
            }
        }
    }

    /**
     * The shadow left by an interrupted rebuild, if any; the caller resumes it when it was being built
     * for the server's current version, and {@link #discard discards} it otherwise.
     */
    public synchronized Optional<ShadowDatabase> pendingShadow() {
        return Optional.ofNullable(pending).map(name -> shadow(directory.resolve(name)));
    }

    /** The unfinished rebuild kept to resume, with the disk space it holds, if any. */
    public synchronized Optional<ReplicaStatus.Pending> pendingRebuild() {
        if (pending == null) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(directory.resolve(pending))) {
            long bytes = files.filter(Files::isRegularFile)
                    .mapToLong(file -> file.toFile().length())
                    .sum();
            return Optional.of(new ReplicaStatus.Pending(pending, bytes));
        } catch (IOException | UncheckedIOException e) {
            return Optional.of(new ReplicaStatus.Pending(pending, -1));
        }
    }

    /** Creates an empty shadow database for a rebuild; the active database is not touched. */
    public synchronized ShadowDatabase createShadow() {
        pendingShadow().ifPresent(this::discard);
        try {
            int next = databases(directory).stream()
                            .mapToInt(DerbyReplicaStore::number)
                            .max()
                            .orElse(0)
                    + 1;
            Path path = directory.resolve("db-" + next);
            try (Connection created = DriverManager.getConnection(url(path) + ";create=true")) {
                DerbyEngine.configureNew(created);
            }
            pending = path.getFileName().toString();
            return shadow(path);
        } catch (IOException | SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot create a shadow database: " + e.getMessage(), e);
        }
    }

    /**
     * Makes a complete shadow the active database in three steps, each safe to be interrupted by a
     * crash: shuts the shadow down cleanly, writes its name to {@code CURRENT.tmp} ({@link
     * #writeNextPointer}), renames that over {@code CURRENT} atomically ({@link #switchPointer}); then
     * retires the previous database ({@link #switched}): it is shut down and deleted once its last
     * reader connection is closed. Every connection to the shadow must be closed.
     */
    public synchronized void activate(ShadowDatabase shadow) {
        String previous = current;
        try {
            DerbyEngine.shutdown(shadow.path());
            Path pointer = writeNextPointer(shadow.name());
            switchPointer(pointer);
        } catch (IOException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot switch to the new replica database: " + e.getMessage(), e);
        }
        switched(shadow.name(), previous);
    }

    /** Writes {@code database}'s name to {@code CURRENT.tmp}, forced to the disk; returns that file. */
    private Path writeNextPointer(String database) throws IOException {
        Path tmp = directory.resolve(CURRENT_TMP);
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap((database + "\n").getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
        return tmp;
    }

    /** Renames {@code pointer} over {@code CURRENT} atomically and forces the directory entry to the disk. */
    private void switchPointer(Path pointer) throws IOException {
        Files.move(
                pointer,
                directory.resolve(CURRENT),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** {@code CURRENT} names {@code database}: new connections use it, and {@code previous} is retired. */
    private void switched(String database, String previous) {
        synchronized (switching) {
            current = database;
        }
        pending = null;
        LOG.info("Replica {} now uses {}", directory, current);
        if (previous != null) {
            leases.retire(directory.resolve(previous));
        }
    }

    /** Throws a shadow away; the active database is not touched. */
    public synchronized void discard(ShadowDatabase shadow) {
        DerbyEngine.shutdown(shadow.path());
        deleteQuietly(shadow.path());
        if (shadow.name().equals(pending)) {
            pending = null;
        }
    }

    /**
     * Shuts the active database down, and the replaced ones still open by readers (their connections
     * break), and releases the directory lock. A pending shadow stays for the next sync to resume.
     */
    @Override
    public synchronized void close() {
        leases.releaseAll();
        if (current != null) {
            DerbyEngine.shutdown(directory.resolve(current));
        }
        if (pending != null) {
            DerbyEngine.shutdown(directory.resolve(pending));
        }
        if (readOnly()) {
            return;
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

    private static ShadowDatabase shadow(Path path) {
        return new ShadowDatabase(path.getFileName().toString(), path, url(path));
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
