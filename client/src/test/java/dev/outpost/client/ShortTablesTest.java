package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short tables (one page of at most 1,000 rows) share commits and have their first pages asked for
 * ahead; a long table among them loads as before, from a first page asked for ahead too.
 */
class ShortTablesTest {
    private static final int SHORT_TABLES = 12;

    @TempDir
    Path dir;

    @Test
    void shortTablesAndALongOneAmongThemAreStoredAndEachRowIsAskedForOnce() throws Exception {
        InMemorySource source = source();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            assertRows(replica);
        }
        for (int t = 0; t < SHORT_TABLES; t++) {
            assertEquals(rows(t), source.rowsServed(name(t)), name(t) + " was asked for once");
        }
        assertEquals(2500, source.rowsServed("long_table"));
    }

    @Test
    void aFailedShortTableDropsTheUncommittedOnesBeforeItAndTheNextSyncStoresThemAgain() throws Exception {
        InMemorySource source = source();
        source.failAfterPages(name(3), 0);
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            source.failAfterPages(name(3), Integer.MAX_VALUE);
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            assertRows(replica);
        }
        for (int t = 0; t < 3; t++) {
            assertEquals(2 * rows(t), source.rowsServed(name(t)), name(t) + " was not committed by the failed sync");
        }
        assertEquals(rows(SHORT_TABLES - 1), source.rowsServed(name(SHORT_TABLES - 1)));
    }

    @Test
    void aFewRowsOfLargeValuesAreNoShortTableAndLoadAsALongOne() throws Exception {
        String large = "x".repeat(200_000); // two rows pass the characters a short table holds at most
        TableSchema table = new TableSchema(
                "documents",
                null,
                List.of(
                        new ColumnSchema("id", "int8", null, null, null, false),
                        new ColumnSchema("body", "text", null, null, null, true)),
                List.of("id"),
                List.of(),
                List.of(),
                "documents-fp",
                null,
                false);
        InMemorySource source = new InMemorySource("v1", new SchemaInfo("documents-fp", List.of(table)))
                .rows("documents", List.of(new String[] {"1", large}, new String[] {"2", large + "y"}));
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            try (Connection c = replica.openConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select id, length(body) from documents order by id")) {
                rs.next();
                assertEquals(200_000, rs.getInt(2));
                rs.next();
                assertEquals(200_001, rs.getInt(2));
            }
        }
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(2000).build();
    }

    /** Short tables {@code short_<n>} with a long one (2,500 rows, two pages) after the sixth. */
    private static InMemorySource source() {
        List<TableSchema> tables = new ArrayList<>();
        for (int t = 0; t < SHORT_TABLES; t++) {
            tables.add(table(name(t), t % 3 != 0));
        }
        tables.add(6, table("long_table", true));
        InMemorySource source = new InMemorySource("v1", new SchemaInfo("wide-fp", tables));
        for (int t = 0; t < SHORT_TABLES; t++) {
            source.rows(name(t), lines(rows(t)));
        }
        return source.rows("long_table", lines(2500));
    }

    private static TableSchema table(String name, boolean keyed) {
        return new TableSchema(
                name,
                null,
                List.of(
                        new ColumnSchema("id", "int8", null, null, null, false),
                        new ColumnSchema("created_at", "timestamptz", null, null, null, false),
                        new ColumnSchema("note", "varchar", 100, null, null, true)),
                keyed ? List.of("id") : List.of(),
                List.of(),
                List.of(),
                name + "-fp",
                null,
                false);
    }

    private static List<String[]> lines(int rows) {
        List<String[]> lines = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
            lines.add(new String[] {Integer.toString(i), "2024-03-31 02:30:00+00", i % 4 == 0 ? null : "row " + i});
        }
        return lines;
    }

    private static String name(int table) {
        return "short_" + table;
    }

    /** Rows of short table {@code table}: none, one, up to 1,000 (the most a short table has). */
    private static int rows(int table) {
        return table == SHORT_TABLES - 1 ? 1000 : table * 7;
    }

    private static void assertRows(OutpostReplica replica) throws Exception {
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement()) {
            for (int t = 0; t < SHORT_TABLES; t++) {
                assertEquals(rows(t), count(s, name(t)), name(t));
            }
            assertEquals(2500, count(s, "long_table"));
            try (ResultSet rs = s.executeQuery("select max(created_at), count(note) from " + name(SHORT_TABLES - 1))) {
                rs.next();
                assertEquals("2024-03-31 02:30:00.0", rs.getString(1));
                assertEquals(750, rs.getLong(2));
            }
        }
    }

    private static long count(Statement s, String table) throws Exception {
        try (ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
