package dev.outpost.client.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replica's name: a random UUID in the file {@code REPLICA_ID} of the replica directory, chosen
 * when the directory is first opened and kept for its life. It is a file beside {@code CURRENT}, not a
 * row in the databases: it names the directory, which exists before its first database (the first
 * sync's requests already carry it) and outlives every database a rebuild replaces, so no swap, full
 * rebuild or change of the server's database has to carry it over. Written as {@code CURRENT} is: a
 * temporary file, forced to disk, renamed atomically.
 */
final class ReplicaId {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaId.class);
    static final String FILE = "REPLICA_ID";
    private static final String TMP = "REPLICA_ID.tmp";

    private ReplicaId() {}

    /**
     * The directory's id, chosen and stored now when it has none (a new replica, or one made by a
     * client that did not name replicas); an unreadable file is replaced, with a warning.
     */
    static UUID readOrCreate(Path directory) throws IOException {
        Files.deleteIfExists(directory.resolve(TMP));
        Optional<UUID> stored = read(directory);
        if (stored.isPresent()) {
            return stored.get();
        }
        UUID id = UUID.randomUUID();
        Path tmp = directory.resolve(TMP);
        try (FileChannel out = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
            out.force(true);
        }
        Files.move(tmp, directory.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.info("Replica {} is named {}", directory, id);
        return id;
    }

    /** The directory's id, if it has a readable one (nothing is written: for a read-only replica). */
    static Optional<UUID> read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1).trim();
        try {
            return Optional.of(UUID.fromString(text));
        } catch (IllegalArgumentException e) {
            LOG.warn("The replica {} has an unreadable {}: it is named anew where it can be written", directory, FILE);
            return Optional.empty();
        }
    }
}
