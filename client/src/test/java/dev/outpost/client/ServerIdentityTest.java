package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.InMemorySource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica holds the rows of one server database: when the server's database is another one (restored
 * from a backup, recreated, a different cluster), or the operator asks for it, every table is downloaded
 * again, never kept.
 */
class ServerIdentityTest {
    private static final List<String> TABLES = List.of("categories", "order_lines", "user", "users");

    @TempDir
    Path dir;

    @Test
    void aServerOnAnotherDatabaseRebuildsEveryTableEvenWithTheSameVersion() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());

            source.replaceDatabase("restored-database");
            source.rows("user", List.<String[]>of(new String[] {"7", "o-7", "Eve"}));
            SyncResult result = replica.sync();

            assertEquals(SyncResult.Outcome.REBUILT, result.outcome());
            assertEquals(TABLES, result.tablesRebuilt().stream().sorted().toList());
            assertEquals(List.of(), result.tablesKept());
            assertTrue(replica.verify().matches());
            assertEquals("restored-database", replica.status().local().database());
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
        }
    }

    @Test
    void aReplicaThatDoesNotKnowItsDatabaseRebuildsOnce() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
        }
        // as an earlier client wrote it: no record of the server's database
        Path db = dir.resolve("db-1").toAbsolutePath();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + db);
                Statement s = c.createStatement()) {
            s.execute("alter table OUTPOST_REPLICA drop column source_database");
        }
        dev.outpost.client.testing.Fixtures.shutdown(db);
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(null, replica.status().local().database());
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, result.outcome());
            assertEquals(List.of(), result.tablesKept());
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
        }
    }

    @Test
    void rebuildDownloadsEveryTableWhateverTheVersionCheckSays() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            long served = source.rowsServed("order_lines");

            SyncResult result = replica.rebuild();

            assertEquals(SyncResult.Outcome.REBUILT, result.outcome());
            assertEquals(TABLES, result.tablesRebuilt().stream().sorted().toList());
            assertEquals(List.of(), result.tablesKept());
            assertEquals(2500, source.rowsServed("order_lines") - served);
            OutpostReplicaTest.assertValues(replica);
        }
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }
}
