package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new database is activated only when each table's row count equals what the server sent for it
 * (or, for a copied table, what its source holds). The shadows here are real Derby databases whose
 * rows were changed behind the client's back between an interrupted sync and its resume.
 */
class ShadowVerificationTest {
    @TempDir
    Path dir;

    @Test
    void aShadowWhoseRowCountsDifferIsNotActivatedAndTheOldReplicaStillAnswers() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            source.failAfterPages("order_lines", 1);
            assertThrows(OutpostException.class, replica::sync); // all pages in one transaction: none stored
            source.failAfterPages("order_lines", 1);
            assertThrows(OutpostException.class, replica::sync); // then page by page: the first stored
            ReplicaStatus.Pending pending = replica.status().pending();
            assertEquals("db-2", pending.database(), "a network failure keeps the rebuild to resume");
            assertTrue(pending.bytes() > 0);
        }
        // the shadow db-2 holds categories (copied, complete) and the first page of order_lines
        sql(
                "db-2",
                "insert into categories (id, parent_id, name) values (99, null, 'stray')",
                "delete from order_lines where line_no = 7");
        source.heal();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.REPLICA_ERROR, e.code());
            assertTrue(e.getMessage().contains("order_lines holds 2499 rows but the server sent 2500"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("categories holds 4 rows but the active replica it was copied from has 3"),
                    e.getMessage());
            assertEquals("db-1", current(), "not swapped");
            assertEquals("v1", replica.status().local().tag());
            OutpostReplicaTest.assertValues(replica);

            long served = source.rowsServed("order_lines");
            SyncResult next = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, next.outcome());
            assertEquals(2500, next.rows(), "only the table that failed is downloaded again");
            assertEquals(2500, source.rowsServed("order_lines") - served);
            assertEquals("v2", replica.status().local().tag());
            OutpostReplicaTest.assertValues(replica);
            assertEquals(3, count(replica, "categories"), "the copied table was copied again");
        }
    }

    @Test
    void aFirstSyncWhoseShadowFailsVerificationLeavesNoReplica() throws Exception {
        InMemorySource source = OutpostReplicaTest.source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            source.failAfterPages("order_lines", 2);
            assertThrows(OutpostException.class, replica::sync);
        }
        sql("db-1", "insert into \"user\" (id, \"order\", \"DisplayName\") values (2, 'o-2', 'Bob')");
        source.heal();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.REPLICA_ERROR, e.code());
            assertTrue(e.getMessage().contains("user holds 2 rows but the server sent 1"), e.getMessage());
            assertNull(replica.status().local(), "still no replica");
            assertTrue(Files.notExists(dir.resolve("CURRENT")));
            assertEquals(
                    ErrorCode.REPLICA_ERROR,
                    assertThrows(OutpostException.class, replica::openConnection)
                            .code());

            SyncResult next = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, next.outcome());
            assertEquals(1, next.rows(), "the shadow resumed: only user was loaded again");
            OutpostReplicaTest.assertValues(replica);
        }
    }

    /** Runs statements directly in one database of the (closed) replica directory. */
    private void sql(String db, String... statements) throws Exception {
        Path path = dir.resolve(db).toAbsolutePath();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + path);
                Statement s = c.createStatement()) {
            for (String statement : statements) {
                assertEquals(1, s.executeUpdate(statement), statement);
            }
        }
        Fixtures.shutdown(path);
    }

    private static long count(OutpostReplica replica, String table) throws Exception {
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String current() throws Exception {
        return Files.readString(dir.resolve("CURRENT")).trim();
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }
}
