package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.SyncReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica names itself with an id it keeps for its life, and reports each sync to the server, best
 * effort: what it did, what it holds after it, and why it failed.
 */
class ReplicaReportsTest {
    private static final List<String> TABLES = List.of("categories", "order_lines", "user", "users");

    @TempDir
    Path dir;

    @Test
    void theIdIsChosenOnceAndSurvivesRebuildsNewReleasesAnotherServerDatabaseAndReopening() {
        InMemorySource source = OutpostReplicaTest.source("v1");
        UUID id;
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            id = replica.status().replicaId();
            assertNotNull(id, "named on creation, before the first sync");
            replica.sync();
            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            assertEquals(SyncResult.Outcome.REBUILT, replica.sync().outcome());
            replica.rebuild();
            source.replaceDatabase("restored-database");
            assertEquals(SyncResult.Outcome.REBUILT, replica.sync().outcome());
            assertEquals(id, replica.status().replicaId());
        }
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(id, replica.status().replicaId());
        }
    }

    @Test
    void aReplicaWithoutAnIdGetsOneOnItsNextOpenAndKeepsIt() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        UUID first;
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            first = replica.status().replicaId();
        }
        Files.delete(dir.resolve("REPLICA_ID")); // as a client that did not name replicas left it
        UUID given;
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            given = replica.status().replicaId();
            assertNotNull(given);
            assertNotEquals(first, given);
            assertEquals("v1", replica.status().local().tag(), "the replica itself is kept");
        }
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(given, replica.status().replicaId());
        }
    }

    @Test
    void eachSyncSendsOneReportWithItsOutcomeTagTablesAndCounts() {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            SyncResult created = replica.sync();
            assertEquals(1, source.reports().size());
            SyncReport report = source.reports().get(0);
            assertEquals("CREATED", report.outcome());
            assertEquals("v1", report.tag());
            assertEquals(Fixtures.schema().fingerprint(), report.schemaFingerprint());
            assertEquals(TABLES, report.tablesRebuilt());
            assertEquals(List.of(), report.tablesKept());
            assertEquals(2500 + 3 + 1 + 1, report.rows());
            assertEquals(created.bytes(), report.bytes());
            assertTrue(report.bytes() > 0);
            assertEquals(created.duration().toMillis(), report.durationMillis());
            assertNull(report.position(), "the server runs no feed");
            assertNull(report.errorCode());
            assertNull(report.error());

            replica.sync();
            assertEquals(2, source.reports().size());
            assertEquals("UP_TO_DATE", source.reports().get(1).outcome());
            assertEquals(0, source.reports().get(1).rows());

            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            replica.sync();
            SyncReport rebuilt = source.reports().get(2);
            assertEquals("REBUILT", rebuilt.outcome());
            assertEquals("v2", rebuilt.tag());
            assertEquals(List.of("order_lines"), rebuilt.tablesRebuilt());
            assertEquals(List.of("categories", "user", "users"), rebuilt.tablesKept());
            assertEquals(2500, rebuilt.rows());

            replica.rebuild();
            assertEquals(4, source.reports().size());
            assertEquals("REBUILT", source.reports().get(3).outcome());
            assertEquals(
                    TABLES,
                    source.reports().get(3).tablesRebuilt().stream().sorted().toList());
        }
    }

    @Test
    void aFailingSyncReportsFailedWithItsErrorCodeAndWhatTheReplicaStillHolds() {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            source.failAfterPages("order_lines", 1);
            assertThrows(OutpostException.class, replica::sync);
            SyncReport first = source.reports().get(0);
            assertEquals(SyncReport.FAILED, first.outcome());
            assertEquals("SERVER_UNREACHABLE", first.errorCode());
            assertTrue(first.error().contains("connection reset (test)"), first.error());
            assertNull(first.tag(), "no replica yet");
            assertTrue(first.bytes() > 0, "the pages read before the failure count");

            source.heal();
            replica.sync();
            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            source.truncate("order_lines");
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            SyncReport failed = source.reports().get(2);
            assertEquals(3, source.reports().size(), "one report per sync");
            assertEquals(SyncReport.FAILED, failed.outcome());
            assertEquals(e.code().name(), failed.errorCode());
            assertEquals("v1", failed.tag(), "the replica still holds v1");
            assertEquals(Fixtures.schema().fingerprint(), failed.schemaFingerprint());
            assertEquals(List.of(), failed.tablesRebuilt());
        }
    }

    @Test
    void aSourceThatDoesNotTakeReportsFailsNoSync() {
        InMemorySource source = OutpostReplicaTest.source("v1");
        source.refuseReports(new OutpostException(ErrorCode.SERVER_ERROR, "no reports here (test)"));
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());

            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            source.failAfterPages("order_lines", 0);
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code(), "the sync's own failure, not the report's");
            assertEquals(List.of(), source.reports());
        }
    }

    @Test
    void liveModeReportsItsSyncsButNotTheChangesItApplies() throws Exception {
        InMemorySource source = new InMemorySource("v1", Fixtures.followed(Fixtures.schema()))
                .rows("categories", List.<String[]>of(new String[] {"1", null, "root"}))
                .withFeed();
        String shape = Fixtures.shape("categories", "categories-fp");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            CountDownLatch applied = new CountDownLatch(1);
            replica.addListener(event -> {
                if (event instanceof SyncEvent.ChangesApplied) {
                    applied.countDown();
                }
            });
            replica.startLiveSync();
            awaitReports(source, 1); // the first sync is done: the change comes after its snapshot
            source.commit(new String[] {"categories", ChangeLines.UPSERT, shape, "2", null, "live"});
            assertTrue(applied.await(30, TimeUnit.SECONDS), "live mode applied the change");
            assertEquals(1, source.reports().size(), "only the first sync reported: " + source.reports());
            assertEquals("CREATED", source.reports().get(0).outcome());
            assertEquals(0L, source.reports().get(0).position());

            // a change under a newer definition: live mode migrates, a sync of its own
            source.release("v2", Fixtures.changed(Fixtures.followed(Fixtures.schema()), "categories", "v2"));
            source.commit(new String[] {"categories", ChangeLines.UPSERT, shape + "@v2", "3", null, "newer"});
            List<SyncReport> reports = awaitReports(source, 2);
            assertEquals(2, reports.size(), "the migration reported: " + reports);
            assertEquals("REBUILT", reports.get(1).outcome());
            assertEquals("v2", reports.get(1).tag());
            assertEquals(List.of("categories"), reports.get(1).tablesRebuilt());
            assertNotNull(reports.get(1).position());
        }
    }

    @Test
    void aReplicaOpenedWithoutAServerIsNamedTooAndCannotSync() {
        ReplicaConfig offline = config();
        try (OutpostReplica replica = OutpostReplica.open(offline)) {
            assertNotNull(replica.status().replicaId());
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertSame(ErrorCode.CONFIG_INVALID, e.code());
        }
    }

    /** The source's reports once there are {@code count} of them (or after 30 s, for the assertion). */
    private static List<SyncReport> awaitReports(InMemorySource source, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (source.reports().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return source.reports();
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }
}
