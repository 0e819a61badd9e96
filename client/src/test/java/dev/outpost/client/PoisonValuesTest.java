package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values PostgreSQL holds and Derby cannot (a date of year 99999, NaN, -0, ...): the row is kept with
 * NULL in that column and the exact text in {@code OUTPOST_QUARANTINE}, on every path that writes rows,
 * and {@code verify} still finds the replica equal to the server.
 */
class PoisonValuesTest {
    private static final String USERS_SHAPE = Fixtures.shape("users", "users-fp");

    /** Every kind of value Derby cannot hold, as PostgreSQL writes it: row id, column, text. */
    private static final List<String[]> POISON = List.of(
            new String[] {"2", "born", "99999-01-01"},
            new String[] {"3", "born", "0044-03-15 BC"},
            new String[] {"4", "born", "infinity"},
            new String[] {"4", "ratio", "NaN"},
            new String[] {"5", "weight", "Infinity"},
            new String[] {"5", "ratio", "-Infinity"},
            new String[] {"5", "score", "NaN"},
            new String[] {"6", "updated_at", "10000-01-01 00:00:00"},
            new String[] {"6", "created_at", "294276-12-31 23:59:59+00"},
            new String[] {"7", "born", "1582-10-10"},
            new String[] {"7", "ratio", "-0"},
            new String[] {"7", "weight", "-0"},
            new String[] {"8", "created_at", "0001-12-31 23:00:00+00 BC"});

    private static final List<String> COLUMNS = List.of(
            "id",
            "email",
            "code",
            "small",
            "visits",
            "score",
            "ratio",
            "weight",
            "active",
            "born",
            "wakes_at",
            "updated_at",
            "created_at",
            "avatar",
            "external_id",
            "bio",
            "profile");

    @TempDir
    Path dir;

    @Test
    void aFirstLoadKeepsEveryRowAndQuarantinesWhatDerbyCannotHold() throws Exception {
        InMemorySource source = new InMemorySource("v1", Fixtures.schema()).rows("users", poisonedUsers());
        try (OutpostReplica replica = OutpostReplica.open(config(1000), source)) {
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            replica.addListener(events::add);
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, result.outcome());
            assertEquals(expectedCounts(), counts(result.quarantined()));
            assertEquals(POISON.size(), result.quarantinedValues());
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e instanceof SyncEvent.ValuesQuarantined q
                                    && q.columns().equals(result.quarantined())),
                    "an event reports them: " + events);
            assertEquals(result.quarantined(), replica.quarantined());
            assertHoldsEverything(replica, source);
        }
    }

    @Test
    void aLoadResumedPageByPageQuarantinesEachValueOnce() throws Exception {
        InMemorySource source = new InMemorySource("v1", Fixtures.schema()).rows("users", poisonedUsers());
        try (OutpostReplica replica = OutpostReplica.open(config(2), source)) {
            source.failAfterPages("users", 1); // the load in one statement fails: nothing stored
            assertEquals(
                    ErrorCode.SERVER_UNREACHABLE,
                    assertThrows(OutpostException.class, replica::sync).code());
            source.failAfterPages("users", 2); // page by page: two pages committed, the third fails
            assertEquals(
                    ErrorCode.SERVER_UNREACHABLE,
                    assertThrows(OutpostException.class, replica::sync).code());
            source.heal();
            long servedBefore = source.rowsServed("users");
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, result.outcome());
            assertEquals(
                    poisonedUsers().size() - 4,
                    source.rowsServed("users") - servedBefore,
                    "the last sync resumed after the two committed pages");
            assertEquals(expectedCounts(), counts(result.quarantined()));
            assertHoldsEverything(replica, source);
        }
    }

    @Test
    void theChangeFeedAddsReplacesAndRemovesQuarantinedValues() throws Exception {
        List<String[]> rows = new ArrayList<>();
        rows.add(user("1"));
        InMemorySource source = new InMemorySource("v1", Fixtures.followed(Fixtures.schema()))
                .rows("users", rows)
                .withFeed();
        try (OutpostReplica replica = OutpostReplica.open(config(1000), source)) {
            assertTrue(replica.sync().quarantined().isEmpty());

            String[] poisoned = with(user("10"), "born", "99999-01-01");
            poisoned = with(poisoned, "ratio", "NaN");
            rows.add(poisoned);
            source.commit(upsert(poisoned));
            SyncResult inserted = replica.sync();
            assertEquals(1, inserted.changesApplied());
            assertEquals(Map.of("users.born", 1L, "users.ratio", 1L), counts(inserted.quarantined()));
            assertEquals(
                    List.of("10|born|99999-01-01", "10|ratio|NaN"), quarantine(replica), "key, column and exact text");
            assertHoldsEverything(replica, source);

            String[] fixed = with(user("10"), "ratio", "Infinity"); // born fixed, ratio poisoned otherwise
            rows.set(1, fixed);
            source.commit(upsert(fixed));
            assertEquals(Map.of("users.ratio", 1L), counts(replica.sync().quarantined()));
            assertEquals(List.of("10|ratio|Infinity"), quarantine(replica));
            assertHoldsEverything(replica, source);

            rows.set(1, user("10"));
            source.commit(upsert(user("10")));
            assertTrue(replica.sync().quarantined().isEmpty(), "an update to good values removes the entries");
            assertHoldsEverything(replica, source);

            String[] again = with(user("11"), "updated_at", "infinity"); // stored natively
            again = with(again, "created_at", "-infinity");
            again = with(again, "weight", "-0");
            rows.add(again);
            source.commit(upsert(again));
            assertEquals(Map.of("users.weight", 1L), counts(replica.sync().quarantined()));
            assertHoldsEverything(replica, source);
            rows.remove(2);
            source.commit(new String[] {"users", ChangeLines.DELETE, USERS_SHAPE, "11"});
            assertTrue(replica.sync().quarantined().isEmpty(), "a delete removes the row's entries");
            assertEquals(List.of(), quarantine(replica));
            assertHoldsEverything(replica, source);
        }
    }

    @Test
    void aColumnAnEarlierReplicaMadeNotNullTakesAQuarantinedValueFromTheFeed() throws Exception {
        List<String[]> rows = new ArrayList<>();
        rows.add(user("1"));
        InMemorySource source = new InMemorySource("v1", Fixtures.followed(Fixtures.schema()))
                .rows("users", rows)
                .withFeed();
        try (OutpostReplica replica = OutpostReplica.open(config(1000), source)) {
            replica.sync();
            try (Connection c = replica.openConnection();
                    Statement s = c.createStatement()) {
                // as a database created before values were quarantined has it (PostgreSQL's NOT NULL)
                s.executeUpdate("alter table users alter column created_at not null");
            }
            String[] poisoned = with(user("1"), "created_at", "20000-06-01 00:00:00+00");
            rows.set(0, poisoned);
            source.commit(upsert(poisoned));
            assertEquals(Map.of("users.created_at", 1L), counts(replica.sync().quarantined()));
            assertHoldsEverything(replica, source);
        }
    }

    @Test
    void aKeptTableTakesItsQuarantineIntoTheNewDatabase() throws Exception {
        InMemorySource source = new InMemorySource("v1", Fixtures.schema()).rows("users", poisonedUsers());
        try (OutpostReplica replica = OutpostReplica.open(config(1000), source)) {
            replica.sync();
            source.release("v2", Fixtures.changed(Fixtures.schema(), "categories", "v2"));
            SyncResult kept = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, kept.outcome());
            assertTrue(kept.tablesKept().contains("users"), kept.toString());
            assertEquals(List.of(), kept.tablesReloaded(), "the kept copy compares equal: its quarantine came along");
            assertEquals(expectedCounts(), counts(kept.quarantined()));
            assertHoldsEverything(replica, source);

            source.release("v3", Fixtures.changed(Fixtures.schema(), "users", "v3"));
            SyncResult downloaded = replica.sync();
            assertTrue(downloaded.tablesRebuilt().contains("users"), downloaded.toString());
            assertEquals(expectedCounts(), counts(downloaded.quarantined()), "downloaded again: no duplicates");
            assertHoldsEverything(replica, source);
        }
    }

    @Test
    void aTableReloadedBySnapshotComparesEqualWithItsQuarantineAndReplacesIt() throws Exception {
        List<String[]> rows = new ArrayList<>(poisonedUsers());
        InMemorySource source = new InMemorySource("v1", Fixtures.schema()).rows("users", rows);
        try (OutpostReplica replica = OutpostReplica.open(config(1000), source)) {
            replica.sync();
            SyncResult same = replica.sync();
            assertEquals(List.of(), same.tablesReloaded(), "the digest counts quarantined texts: nothing to reload");

            rows.set(1, user("2")); // the year 99999 fixed on the server
            rows.set(0, with(user("1"), "score", "NaN"));
            SyncResult reloaded = replica.sync();
            assertEquals(List.of("users"), reloaded.tablesReloaded());
            Map<String, Long> expected = expectedCounts();
            expected.merge("users.born", -1L, Long::sum);
            expected.merge("users.score", 1L, Long::sum);
            assertEquals(expected, counts(reloaded.quarantined()));
            assertHoldsEverything(replica, source);
        }
    }

    /** Every row is there, every quarantined cell NULL with its exact text recorded, and verify agrees. */
    private static void assertHoldsEverything(OutpostReplica replica, InMemorySource source) throws Exception {
        VerifyResult verify = replica.verify();
        assertTrue(verify.matches(), verify.toString());
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement()) {
            for (String entry : quarantine(replica)) {
                String[] parts = entry.split("\\|", 3);
                try (ResultSet rs = s.executeQuery("select " + parts[1] + " from users where id = " + parts[0])) {
                    assertTrue(rs.next(), "row " + parts[0] + " is in the replica");
                    assertEquals(null, rs.getObject(1), entry + " is NULL in its row");
                }
            }
            try (ResultSet rs = s.executeQuery("select count(*) from users")) {
                rs.next();
                assertEquals(source.digest("users").rows(), rs.getLong(1));
            }
        }
    }

    private static List<String> quarantine(OutpostReplica replica) throws Exception {
        List<String> entries = new ArrayList<>();
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select row_key, column_name, pg_text from OUTPOST_QUARANTINE"
                        + " where table_name = 'users' order by row_key, column_name")) {
            while (rs.next()) {
                entries.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        } catch (java.sql.SQLException e) {
            if (!"42X05".equals(e.getSQLState())) { // no such table: nothing was ever quarantined
                throw e;
            }
        }
        return entries;
    }

    private static Map<String, Long> expectedCounts() {
        Map<String, Long> counts = new TreeMap<>();
        POISON.forEach(p -> counts.merge("users." + p[1], 1L, Long::sum));
        return counts;
    }

    private static Map<String, Long> counts(List<Quarantined> quarantined) {
        Map<String, Long> counts = new TreeMap<>();
        quarantined.forEach(q -> counts.put(q.table() + "." + q.column(), q.values()));
        return counts;
    }

    /** Rows 1 to 9 of users; rows 2 to 8 hold {@link #POISON}, row 8 also a timestamp {@code infinity}. */
    private static List<String[]> poisonedUsers() {
        List<String[]> rows = new ArrayList<>();
        for (int id = 1; id <= 9; id++) {
            String[] row = user(Integer.toString(id));
            for (String[] p : POISON) {
                if (p[0].equals(row[0])) {
                    row = with(row, p[1], p[2]);
                }
            }
            if (id == 8) {
                row = with(row, "updated_at", "infinity");
            }
            if (id == 9) { // subnormal floats: Derby holds them
                row = with(row, "ratio", "4.9e-324");
                row = with(row, "weight", "1e-45");
            }
            rows.add(row);
        }
        return rows;
    }

    private static String[] user(String id) {
        return new String[] {
            id,
            "u" + id + "@example.com",
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
            String.format("a0eebc99-9c0b-4ef8-bb6d-%012d", Long.parseLong(id)),
            "line1\nline2",
            "{\"a\": [1, 2]}"
        };
    }

    private static String[] with(String[] row, String column, String text) {
        String[] copy = row.clone();
        copy[COLUMNS.indexOf(column)] = text;
        return copy;
    }

    private static String[] upsert(String[] row) {
        String[] change = new String[row.length + 3];
        change[0] = "users";
        change[1] = ChangeLines.UPSERT;
        change[2] = USERS_SHAPE;
        System.arraycopy(row, 0, change, 3, row.length);
        return change;
    }

    private ReplicaConfig config(int pageRows) {
        return ReplicaConfig.builder().directory(dir).pageRows(pageRows).build();
    }
}
