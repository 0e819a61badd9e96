package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations as readers and operators see them: no errors, no mixed versions, a preflight first. */
class MigrationTest {
    @TempDir
    Path dir;

    @Test
    void readersQueryingDuringAMigrationSeeNoErrorsAndNeverAMixOfVersions() throws Exception {
        InMemorySource source = versioned(OutpostReplicaTest.source("v1"), "v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            List<String> seen = new CopyOnWriteArrayList<>();
            AtomicBoolean migrated = new AtomicBoolean();
            AtomicInteger readsAfter = new AtomicInteger();
            try (Connection heldAcross = replica.openConnection()) {
                Thread reader = new Thread(() -> {
                    while (readsAfter.get() < 20 && errors.isEmpty()) {
                        boolean after = migrated.get();
                        try (Connection c = replica.openConnection()) {
                            seen.add(consistentVersion(c));
                            if (after) {
                                readsAfter.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            errors.add(e);
                        }
                    }
                });
                reader.start();
                for (String tag : List.of("v2", "v3")) {
                    versioned(source, tag);
                    source.release(
                            tag,
                            Fixtures.changed(Fixtures.changed(Fixtures.schema(), "user", tag), "order_lines", tag));
                    assertEquals(SyncResult.Outcome.REBUILT, replica.sync().outcome());
                    assertEquals("v1", consistentVersion(heldAcross), "a connection keeps its version");
                }
                migrated.set(true);
                reader.join();
            }
            assertEquals(List.of(), errors);
            assertTrue(seen.contains("v1") && seen.contains("v3"), "the reader saw the old and the new version");
            try (Connection c = replica.openConnection()) {
                assertEquals("v3", consistentVersion(c));
            }
        }
    }

    @Test
    void anUnsupportedColumnFailsThePreflightNamingItWhileTheOldReplicaServes() throws Exception {
        // a bytea primary key: Derby cannot index a BLOB, so no mapping can hold it
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.release("v2", Fixtures.withColumnType(Fixtures.schema(), "users", "id", "bytea"));
            OutpostException e = org.junit.jupiter.api.Assertions.assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.SCHEMA_UNSUPPORTED, e.code());
            assertTrue(e.getMessage().contains("users.id"), e.getMessage());
            assertEquals("v1", replica.status().local().tag());
            OutpostReplicaTest.assertValues(replica);
        }
    }

    @Test
    void aBackgroundSyncFollowsTheServerWhileTheApplicationReads() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        ReplicaConfig config = ReplicaConfig.builder()
                .directory(dir)
                .pageRows(1000)
                .checkInterval(java.time.Duration.ofMillis(1))
                .build();
        java.util.concurrent.CountDownLatch created = new java.util.concurrent.CountDownLatch(1);
        try (OutpostReplica replica = OutpostReplica.open(config, source)) {
            replica.addListener(event -> {
                if (event instanceof SyncEvent.RebuildCompleted) {
                    created.countDown();
                }
            });
            replica.startBackgroundSync();
            assertTrue(created.await(5, java.util.concurrent.TimeUnit.MINUTES), "the background sync ran");
            OutpostReplicaTest.assertValues(replica);
        }
    }

    /** The tag the connection's replica records, after checking that its rows belong to that tag. */
    private static String consistentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            String tag;
            try (ResultSet rs = s.executeQuery("select tag from OUTPOST_REPLICA")) {
                rs.next();
                tag = rs.getString(1);
            }
            try (ResultSet rs = s.executeQuery("select \"order\" from \"user\" where id = 1")) {
                rs.next();
                assertEquals(tag, rs.getString(1), "user rows of the replica's version");
            }
            try (ResultSet rs = s.executeQuery("select count(*) from order_lines where sku like '" + tag + "-%'")) {
                rs.next();
                assertEquals(2500, rs.getInt(1), "order_lines rows of the replica's version");
            }
            try (ResultSet rs = s.executeQuery("select count(*) from users")) {
                rs.next();
                assertEquals(1, rs.getInt(1), "a kept table");
            }
            return tag;
        }
    }

    /** Serves rows of {@code user} and {@code order_lines} that name the release {@code tag}. */
    private static InMemorySource versioned(InMemorySource source, String tag) {
        List<String[]> lines = new ArrayList<>();
        for (int i = 1; i <= 2500; i++) {
            lines.add(new String[] {Integer.toString(i / 10), Integer.toString(i), tag + "-" + i, "1"});
        }
        return source.rows("order_lines", lines).rows("user", List.<String[]>of(new String[] {"1", tag, "Ann"}));
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }
}
