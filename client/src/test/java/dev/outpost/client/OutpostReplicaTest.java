package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutpostReplicaTest {
    @TempDir
    Path dir;

    @Test
    void firstSyncCreatesTheReplicaThenItIsUpToDateThenANewTagRebuildsIt() throws Exception {
        InMemorySource source = source("v1");
        List<SyncEvent> events = new ArrayList<>();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.addListener(events::add);
            SyncResult created = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, created.outcome());
            assertEquals("v1", created.newTag());
            assertEquals(2500 + 3 + 1 + 1, created.rows());
            assertEquals(List.of("categories", "order_lines", "user", "users"), created.tablesRebuilt());
            assertEquals("db-1", current());
            assertKeysOfOrderLines(replica);
            assertInstanceOf(SyncEvent.CheckStarted.class, events.get(0));
            assertInstanceOf(SyncEvent.RebuildStarted.class, events.get(1));
            assertInstanceOf(SyncEvent.RebuildCompleted.class, events.get(events.size() - 1));
            assertTrue(events.contains(new SyncEvent.TableLoaded("order_lines", 2500)));
            assertValues(replica);

            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
            assertEquals("db-1", current());

            source.release("v2", Fixtures.schema());
            SyncResult retagged = replica.sync();
            assertEquals(SyncResult.Outcome.RETAGGED, retagged.outcome(), "no table changed");
            assertEquals(0, retagged.rows());
            assertEquals(List.of(), retagged.tablesRebuilt());
            assertEquals("db-1", current());
            assertEquals("v2", replica.status().local().tag());
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());

            long served = source.rowsServed("order_lines");
            source.release("v3", Fixtures.changed(Fixtures.schema(), "order_lines", "v3"));
            SyncResult rebuilt = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, rebuilt.outcome());
            assertEquals("v2", rebuilt.previousTag());
            assertEquals(List.of("order_lines"), rebuilt.tablesRebuilt(), "only the changed table is downloaded");
            assertEquals(List.of("categories", "user", "users"), rebuilt.tablesKept());
            assertEquals(2500, rebuilt.rows());
            assertEquals(2500, source.rowsServed("order_lines") - served);
            assertEquals(1, source.rowsServed("users"), "users was downloaded once, by the first sync");
            assertEquals("db-2", current());
            assertFalse(Files.exists(dir.resolve("db-1")));
            assertValues(replica);
            ReplicaStatus status = replica.status();
            assertTrue(status.upToDate());
            assertEquals(
                    new ReplicaStatus.Table("order_lines", "order-lines-fp@v3", 2500),
                    status.local().tables().get(1));
            assertEquals(
                    new ReplicaStatus.Table("categories", "categories-fp", 3),
                    status.local().tables().get(0));
        }
    }

    @Test
    void anInterruptedDownloadResumesFromItsLastCompletedPage() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            source.failAfterPages("order_lines", 2);
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertEquals("db-1", current());
            assertEquals("v1", replica.status().local().tag());
            assertValues(replica);
            assertEquals(0, rowsIn("db-2", "order_lines"), "the first load, all pages in one transaction, stored none");

            source.failAfterPages("order_lines", 2);
            e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertEquals("v1", replica.status().local().tag());
            assertValues(replica);
        }
        assertEquals(2000, rowsIn("db-2", "order_lines"), "the second load went page by page: two pages stored");
        source.heal();
        long served = source.rowsServed("order_lines");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            SyncResult resumed = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, resumed.outcome());
            assertEquals(500, resumed.rows(), "two pages of 1000 rows were already stored");
            assertEquals(500, source.rowsServed("order_lines") - served);
            assertEquals("db-2", current());
            assertEquals("v2", replica.status().local().tag());
            assertValues(replica);
            assertKeysOfOrderLines(replica);
        }
    }

    /** The keys dropped for loading the pages after the first are back, on the resumed shadow too. */
    private static void assertKeysOfOrderLines(OutpostReplica replica) throws Exception {
        try (Connection c = replica.openConnection()) {
            List<String> key = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getPrimaryKeys(null, null, "ORDER_LINES")) {
                while (rs.next()) {
                    key.add(rs.getShort("KEY_SEQ") + ":" + rs.getString("COLUMN_NAME"));
                }
            }
            assertEquals(
                    List.of("1:ORDER_ID", "2:LINE_NO"), key.stream().sorted().toList());
            List<String> indexed = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, "ORDER_LINES", false, false)) {
                while (rs.next()) {
                    indexed.add(rs.getString("INDEX_NAME") + ":" + rs.getString("COLUMN_NAME"));
                }
            }
            assertEquals(4, indexed.size(), indexed.toString());
            assertTrue(indexed.stream().anyMatch(u -> u.endsWith(":SKU")), indexed.toString());
            try (Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("values SYSCS_UTIL.SYSCS_CHECK_TABLE('APP', 'ORDER_LINES')")) {
                    assertTrue(rs.next());
                    assertEquals(1, rs.getInt(1));
                }
            }
        }
    }

    @Test
    void aShadowBuiltForAnotherVersionIsDiscarded() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            source.failAfterPages("order_lines", 1);
            assertThrows(OutpostException.class, replica::sync);
            source.heal();
            source.release("v3", Fixtures.changed(Fixtures.schema(), "order_lines", "v3"));
            SyncResult result = replica.sync();
            assertEquals(2500, result.rows(), "nothing of the v2 shadow is reused for v3");
            assertEquals("v3", replica.status().local().tag());
            assertEquals("db-2", current(), "the v2 shadow was deleted, the v3 one took its place");
            assertValues(replica);
        }
    }

    @Test
    void aTruncatedPageFailsTheSyncAndLeavesThePreviousReplicaUnchanged() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            List<SyncEvent> events = new ArrayList<>();
            replica.addListener(events::add);
            source.release("v2", Fixtures.changed(Fixtures.schema(), "order_lines", "v2"));
            source.truncate("order_lines");
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertTrue(e.getMessage().contains("without its end marker"), e.getMessage());
            assertEquals(new SyncEvent.SyncFailed(e), events.get(events.size() - 1));
            assertEquals("db-1", current());
            assertEquals("v1", replica.status().local().tag());
            assertValues(replica);
        }
    }

    @Test
    void verifyFindsTheReplicaEqualThenNamesTheTableThatDiffers() throws Exception {
        try (OutpostReplica replica = OutpostReplica.open(config(), source("v1"))) {
            replica.sync();
            VerifyResult equal = replica.verify();
            assertTrue(equal.matches(), equal.toString());
            assertEquals(4, equal.tables().size());
            try (Connection c = replica.openConnection();
                    Statement st = c.createStatement()) {
                st.executeUpdate("delete from order_lines where line_no = 1");
                st.executeUpdate("update users set email = 'changed' where id = 1");
            }
            VerifyResult different = replica.verify();
            assertFalse(different.matches());
            List<String> differences = different.tables().stream()
                    .map(t -> t.name() + ": " + t.difference())
                    .toList();
            assertEquals(
                    List.of(
                            "categories: equal",
                            "order_lines: server has 2500 rows, replica 2499",
                            "user: equal",
                            "users: same row count, different values"),
                    differences);
        }
    }

    @Test
    void leftoversAreDeletedOnOpenOrWhenTheyCannotBeResumed() throws Exception {
        InMemorySource source = source("v1");
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
        }
        for (String db : List.of("db-0", "db-7")) {
            Files.createDirectories(dir.resolve(db + "/seg0"));
            Files.writeString(dir.resolve(db + "/seg0/junk"), "x");
        }
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertFalse(Files.exists(dir.resolve("db-0")), "older than CURRENT: a replaced database");
            assertTrue(Files.exists(dir.resolve("db-7")), "newer than CURRENT: maybe a resumable rebuild");
            assertEquals("db-1", current());
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
            source.release("v2", Fixtures.changed(Fixtures.schema(), "users", "v2"));
            assertEquals(SyncResult.Outcome.REBUILT, replica.sync().outcome());
            assertFalse(Files.exists(dir.resolve("db-7")), "not a shadow for v2: discarded");
            assertEquals("db-2", current());
            assertValues(replica);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        try (OutpostReplica replica = OutpostReplica.open(config(), source("v1"))) {
            OutpostException e =
                    assertThrows(OutpostException.class, () -> OutpostReplica.open(config(), source("v1")));
            assertEquals(ErrorCode.REPLICA_ERROR, e.code());
        }
    }

    static void assertValues(OutpostReplica replica) throws Exception {
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement()) {
            try (ResultSet rs =
                    s.executeQuery("select email, code, score, active, created_at, avatar, profile, external_id"
                            + " from users where id = 1")) {
                assertTrue(rs.next());
                assertEquals("ann@example.com", rs.getString(1));
                assertEquals("AB", rs.getString(2));
                assertEquals(new BigDecimal("12.50"), rs.getBigDecimal(3));
                assertTrue(rs.getBoolean(4));
                assertEquals(
                        LocalDateTime.of(2024, 1, 31, 10, 0), rs.getTimestamp(5).toLocalDateTime());
                assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, rs.getBytes(6));
                assertEquals("{\"a\": [1, 2]}", rs.getString(7));
                assertEquals("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", rs.getString(8));
            }
            try (ResultSet rs = s.executeQuery("select count(*) from order_lines")) {
                assertTrue(rs.next());
                assertEquals(2500, rs.getInt(1));
            }
            try (ResultSet rs = s.executeQuery("select \"order\" from \"user\" where id = 1")) {
                assertTrue(rs.next());
                assertEquals("o-1", rs.getString(1));
            }
        }
    }

    /** Rows of {@code table} in database {@code db} of the replica directory (opened and shut down again). */
    private long rowsIn(String db, String table) throws Exception {
        Path path = dir.resolve(db).toAbsolutePath();
        try (Connection c = DriverManager.getConnection("jdbc:derby:" + path);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        } finally {
            Fixtures.shutdown(path);
        }
    }

    private String current() throws Exception {
        return Files.readString(dir.resolve("CURRENT")).trim();
    }

    ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }

    static InMemorySource source(String tag) {
        List<String[]> lines = new ArrayList<>();
        for (int i = 1; i <= 2500; i++) {
            lines.add(new String[] {Integer.toString(i / 10), Integer.toString(i), "sku-" + i, "1"});
        }
        return new InMemorySource(tag, Fixtures.schema())
                .rows(
                        "categories",
                        List.of(new String[] {"1", "3", "child"}, new String[] {"2", null, "root"}, new String[] {
                            "3", "2", "middle"
                        }))
                .rows("order_lines", lines)
                .rows("user", List.<String[]>of(new String[] {"1", "o-1", "Ann"}))
                .rows("users", List.<String[]>of(new String[] {
                    "1",
                    "ann@example.com",
                    "AB",
                    "3",
                    "10",
                    "12.50",
                    "1.5",
                    "0.25",
                    "true",
                    "1990-05-17",
                    "07:30:00",
                    "2024-01-31 12:00:00.123456",
                    "2024-01-31 10:00:00+00",
                    "\\x0102ff",
                    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                    "line1\nline2",
                    "{\"a\": [1, 2]}"
                }));
    }
}
