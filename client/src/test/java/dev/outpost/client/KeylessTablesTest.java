package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables without a primary key (the replica numbers their rows) and tables the change feed does not
 * follow: kept across migrations with their rows, reloaded only when their rows changed on the server,
 * and a local failure while building the new database leaves no database behind.
 */
class KeylessTablesTest {
    @TempDir
    Path dir;

    @Test
    void aKeylessTableKeptByAMigrationKeepsItsRowsAndRowNumbers() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            List<String> before = readings(replica);
            source.release("v2", Fixtures.changed(Fixtures.withKeylessTable(Fixtures.schema()), "user", "v2"));

            SyncResult result = replica.sync();

            assertEquals(SyncResult.Outcome.REBUILT, result.outcome());
            assertEquals(List.of("user"), result.tablesRebuilt());
            assertTrue(
                    result.tablesKept().contains("readings"),
                    result.tablesKept().toString());
            assertEquals(before, readings(replica), "same rows with the same row numbers");
            assertEquals(3, before.size());
            assertTrue(replica.verify().matches());
        }
    }

    @Test
    void aTableTheFeedDoesNotFollowIsReloadedOnlyWhenItsRowsChanged() throws Exception {
        InMemorySource source = source("v1").withFeed();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            long served = source.rowsServed("readings");

            SyncResult unchanged = replica.sync();

            assertEquals(SyncResult.Outcome.UP_TO_DATE, unchanged.outcome());
            assertEquals(List.of(), unchanged.tablesReloaded());
            assertEquals(0, unchanged.rows());
            assertEquals(served, source.rowsServed("readings"), "nothing downloaded");

            source.rows("readings", rows(4));
            SyncResult changed = replica.sync();

            assertEquals(List.of("readings"), changed.tablesReloaded());
            assertEquals(4, changed.rows());
            assertEquals(4, readings(replica).size());
            assertEquals(
                    4,
                    replica.status().local().tables().stream()
                            .filter(t -> t.name().equals("readings"))
                            .findFirst()
                            .orElseThrow()
                            .rows(),
                    "status counts the rows held now, not those of the first download");
            assertTrue(replica.verify().matches());
        }
    }

    @Test
    void withoutAChangeFeedAnyTableIsReloadedWhenItsRowsChangedAndOnlyThen() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            assertEquals(List.of(), replica.sync().tablesReloaded());

            source.rows("user", List.<String[]>of(new String[] {"1", "o-1", "Ann"}, new String[] {"2", "o-2", "Bob"}));
            SyncResult result = replica.sync();

            assertEquals(SyncResult.Outcome.UP_TO_DATE, result.outcome());
            assertEquals(List.of("user"), result.tablesReloaded());
            assertEquals(2, result.rows());
            assertTrue(replica.verify().matches());
        }
    }

    @Test
    void aLocalFailureWhileBuildingTheNewDatabaseLeavesNoDatabaseBehind() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
        }
        // the kept table cannot be copied: the copy fails locally, every time
        try (Connection c = DriverManager.getConnection(
                        "jdbc:derby:" + dir.resolve("db-1").toAbsolutePath());
                Statement s = c.createStatement()) {
            s.execute("drop table readings");
        }
        Fixtures.shutdown(dir.resolve("db-1").toAbsolutePath());
        source.release("v2", Fixtures.changed(Fixtures.withKeylessTable(Fixtures.schema()), "user", "v2"));
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            OutpostException e = assertThrows(OutpostException.class, replica::sync);

            assertEquals(ErrorCode.REPLICA_ERROR, e.code());
            assertTrue(e.getMessage().contains("readings"), e.getMessage());
            assertEquals(List.of("db-1"), databases(), "the unfinished database was deleted");
            assertEquals(null, replica.status().pending(), "status shows no rebuild kept");
            assertEquals("v1", replica.status().local().tag());
            OutpostReplicaTest.assertValues(replica);
        }
    }

    private InMemorySource source(String tag) {
        InMemorySource source = OutpostReplicaTest.source(tag);
        source.release(tag, Fixtures.withKeylessTable(Fixtures.schema()));
        return source.rows("readings", rows(3));
    }

    private static List<String[]> rows(int n) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            rows.add(new String[] {"s-" + (i % 2), i % 3 == 0 ? null : Integer.toString(i * 10)});
        }
        return rows;
    }

    private static List<String> readings(OutpostReplica replica) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select outpost_row, sensor, value from readings order by outpost_row")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getObject(3));
            }
        }
        return rows;
    }

    private List<String> databases() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("db-"))
                    .sorted()
                    .toList();
        }
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }
}
