package dev.outpost.server.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.capture.CaptureConnections;
import dev.outpost.server.capture.CaptureUnderTest;
import dev.outpost.server.capture.ChangeCapture;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.catalog.PostgresCatalogReader;
import dev.outpost.server.catalog.SyncScope;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.problem.Problems;
import dev.outpost.server.schema.SyncedSchema;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A PostgreSQL without logical decoding ({@code wal_level=replica}, as on many managed databases): the
 * server is snapshot-only and its capture loop changes nothing while it retries; restarted with {@code
 * wal_level=logical} (the same data directory, a new postmaster), capture starts by itself and the
 * feed begins with one gap.
 *
 * <p>Its own PostgreSQL, not the one the test run shares: this one is restarted with another {@code wal_level}.
 */
class SnapshotOnlyModeIT {
    private static final String DATABASE = "snapshot_only";
    private static final SyncScope SCOPE = SyncScope.homeOnly("public", Set.of());

    @Test
    void withoutLogicalDecodingNothingMovesAndCaptureStartsByItselfOnceItIsThere() throws Exception {
        Path data = Files.createTempDirectory("outpost-wal-level");
        EmbeddedPostgres postgres = TestPostgres.start("replica", data, 0);
        int port = postgres.getPort();
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger captureLog = Logger.getLogger(ChangeCapture.class.getName());
        captureLog.addHandler(handler);
        CaptureUnderTest capture = null;
        try {
            try (Connection c = postgres.getPostgresDatabase().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("create database " + DATABASE);
            }
            String url = postgres.getJdbcUrl("postgres", DATABASE);
            String fingerprint;
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                exec(
                        c,
                        "create table items (id int primary key, label text)",
                        "create table notes (id int primary key, body text)");
                fingerprint = SyncedSchema.read(c, SCOPE, true).fingerprint();
                // what a feed that ran here before (with logical decoding) left behind
                FeedTables.create(c);
                exec(
                        c,
                        "insert into " + FeedTables.CHANGE_LOG + " (position, commit_lsn, table_name, op, last, vals)"
                                + " values (7, '0/1', 'items', 'U', true, '[\"1\",\"a\"]')",
                        "insert into " + FeedTables.EPOCHS + " (position, schema_fingerprint) values (5, '"
                                + fingerprint + "')",
                        "update " + FeedTables.HORIZON + " set after_position = 3",
                        "create publication " + FeedTables.PUBLICATION + " for table items, notes");
                assertTrue(
                        new PostgresCatalogReader(SCOPE, FeedTables.PUBLICATION)
                                .read(c).stream().allMatch(TableSchema::followed),
                        "published tables count as followed when only the publication is looked at");
            }

            CaptureConnections connections = new CaptureConnections(url, "postgres", "");
            AtomicLong stored = new AtomicLong();
            capture = CaptureUnderTest.start(connections, SCOPE, stored::set, 50, 400);
            CaptureUnderTest retrying = capture;
            await(() -> retrying.failedAttempts() >= 5, "five failed capture attempts");

            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                FeedStatus status = ChangeLog.status(c, true);
                assertEquals(FeedStatus.SNAPSHOT_ONLY, status.mode());
                assertEquals(
                        "change capture is off: wal_level is 'replica'; set wal_level=logical to enable the change"
                                + " feed; serving snapshots only",
                        status.reason());
                assertEquals(List.of(7L, 3L, 5L), List.of(status.latestPosition(), status.horizon(), status.epoch()));
                assertFalse(status.slotActive());
                assertNull(status.slotLagBytes(), "no slot");
                assertEquals(0, count(c, "pg_replication_slots"), "no slot was created");
                assertEquals(1, count(c, FeedTables.EPOCHS), "no epoch was recorded");
                assertEquals(1, count(c, FeedTables.CHANGE_LOG));

                SchemaInfo schema = SyncedSchema.read(c, SCOPE, true);
                assertEquals(List.of("items", "notes"), names(schema));
                assertTrue(schema.tables().stream().noneMatch(TableSchema::followed), "no table is followed");
                assertEquals(fingerprint, schema.fingerprint());

                ProblemException unavailable = assertThrows(ProblemException.class, () -> ChangeLog.bounds(c, true));
                assertEquals(ProblemType.UNAVAILABLE, unavailable.type());
                assertEquals(status.reason(), unavailable.getMessage());
                Problem problem = Problems.forException(unavailable, false);
                assertEquals(503, problem.status());
                assertEquals("urn:outpost:problem:unavailable", problem.type());
            }
            List<String> offMessages = warnings.stream()
                    .map(LogRecord::getMessage)
                    .filter(m -> m.contains("wal_level is 'replica'"))
                    .toList();
            assertEquals(
                    1,
                    offMessages.size(),
                    "logged once over " + capture.failedAttempts() + " attempts: " + offMessages);
            assertTrue(warnings.stream().allMatch(r -> r.getThrown() == null), "no stack trace");

            // PostgreSQL restarted with logical decoding, on the same data directory and port
            postgres.close();
            postgres = TestPostgres.start("logical", data, port);
            await(retrying::capturing, "capture started by itself");

            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                FeedStatus started = ChangeLog.status(c, true);
                assertEquals(FeedStatus.CAPTURING, started.mode());
                assertNull(started.reason());
                long gap = started.horizon();
                assertTrue(gap > 7, "the feed starts with a gap after everything before it: " + started);
                assertEquals(gap, started.latestPosition());
                assertEquals(gap, started.epoch());
                assertEquals(1, count(c, "pg_replication_slots"));

                SchemaInfo schema = SyncedSchema.read(c, SCOPE, true);
                assertTrue(schema.tables().stream().allMatch(TableSchema::followed), "every keyed table is followed");
                assertEquals(fingerprint, schema.fingerprint(), "the fingerprint does not depend on the mode");

                exec(c, "insert into items values (2, 'captured')");
                await(() -> stored.get() > gap, "the insert was captured");
                ChangeLog.Bounds bounds = ChangeLog.bounds(c, true);
                assertEquals(gap, bounds.horizon(), "one gap only");
                assertEquals(2, count(c, FeedTables.EPOCHS), "one epoch for the gap");
                assertTrue(bounds.latestPosition() > gap);
            }

            // decommissioning: the slot goes once nobody reads it
            capture.stop();
            capture = null;
            assertTrue(CaptureUnderTest.dropSlot(connections), "the idle slot was dropped");
            try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
                assertEquals(0, count(c, "pg_replication_slots"));
            }
            assertFalse(CaptureUnderTest.dropSlot(connections), "nothing left to drop");
        } finally {
            captureLog.removeHandler(handler);
            if (capture != null) {
                capture.stop();
            }
            postgres.close();
            deleteTree(data);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }

    private static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> names(SchemaInfo schema) {
        return schema.tables().stream().map(TableSchema::name).toList();
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
