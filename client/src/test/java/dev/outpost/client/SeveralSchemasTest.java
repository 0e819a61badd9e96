package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
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
 * Tables of several PostgreSQL schemas in one real Derby replica: a home-schema table and a table of
 * the same name in another schema live side by side, each in its own Derby schema, through the first
 * sync, the change feed, verify and a migration that keeps tables of other schemas.
 */
class SeveralSchemasTest {
    @TempDir
    Path dir;

    @Test
    void tablesOfOtherSchemasLiveInDerbySchemasOfTheSameName() throws Exception {
        InMemorySource source = new InMemorySource("v1", schema("v1"))
                .rows("user", List.<String[]>of(new String[] {"1", "home order"}))
                .rows("Sales.user", List.<String[]>of(new String[] {"1", "sales order", "a note"}, new String[] {
                    "2", "second", null
                }))
                .rows("audit.events", List.<String[]>of(new String[] {"10", "1"}))
                .rows("audit.log", List.<String[]>of(new String[] {"started"}))
                .withFeed();
        try (OutpostReplica replica = OutpostReplica.open(
                ReplicaConfig.builder().directory(dir).pageRows(1).build(), source)) {
            SyncResult created = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, created.outcome());
            assertEquals(List.of("Sales.user", "audit.events", "audit.log", "user"), created.tablesRebuilt());
            assertEquals(List.of("1|home order"), rows(replica, "select id, \"order\" from \"user\""));
            assertEquals(
                    List.of("1|sales order|a note", "2|second|null"),
                    rows(replica, "select id, \"order\", note from \"Sales\".\"user\" order by id"));
            assertEquals(List.of("10|1"), rows(replica, "select id, user_id from audit.events"));
            assertTrue(replica.verify().matches());

            source.commit(
                    change("Sales.user", ChangeLines.UPSERT, "3", "from the feed", "n"),
                    change("Sales.user", ChangeLines.DELETE, "2"),
                    change("audit.events", ChangeLines.UPSERT, "11", "3"));
            assertEquals(3, replica.sync().changesApplied());
            assertEquals(
                    List.of("1|sales order|a note", "3|from the feed|n"),
                    rows(replica, "select id, \"order\", note from \"Sales\".\"user\" order by id"));
            assertEquals(List.of("1|home order"), rows(replica, "select id, \"order\" from \"user\""), "untouched");
            assertEquals(List.of("10|1", "11|3"), rows(replica, "select id, user_id from audit.events order by id"));

            source.rows("Sales.user", List.<String[]>of(new String[] {"1", "sales order", "a note"}, new String[] {
                "3", "from the feed", "n"
            }));
            source.rows("audit.events", List.<String[]>of(new String[] {"10", "1"}, new String[] {"11", "3"}));
            source.release("v2", schema("v2"));
            SyncResult migrated = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, migrated.outcome());
            assertEquals(List.of("Sales.user", "audit.log"), migrated.tablesRebuilt());
            assertEquals(List.of("audit.events", "user"), migrated.tablesKept());
            assertEquals(List.of("10|1", "11|3"), rows(replica, "select id, user_id from audit.events order by id"));
            assertEquals(
                    List.of("1|sales order|a note", "3|from the feed|n"),
                    rows(replica, "select id, \"order\", note from \"Sales\".\"user\" order by id"));
            assertTrue(replica.verify().matches(), "every table, of every schema, equals the server's");
        }
    }

    @Test
    void schemasThatWouldBeDerbysOwnAreRefusedBeforeAnythingIsTouched() {
        SchemaInfo schema = new SchemaInfo(
                "bad",
                List.of(
                        table("sys.t", "sys", "t-fp", true),
                        table("app.t", "app", "t-fp", true),
                        table("t", null, "fp", true)));
        InMemorySource source = new InMemorySource("v1", schema);
        try (OutpostReplica replica =
                OutpostReplica.open(ReplicaConfig.builder().directory(dir).build(), source)) {
            OutpostException e = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.SCHEMA_UNSUPPORTED, e.code());
            assertTrue(e.getMessage().contains("sys.t: schema sys would be Derby's system schema SYS"), e.getMessage());
            assertTrue(
                    e.getMessage().contains("app.t: schema app would be Derby's default schema APP"), e.getMessage());
            assertEquals(null, replica.status().local(), "no replica was created");
        }
    }

    /** Release {@code tag}: in v2 the definitions of {@code Sales.user} and {@code audit.log} moved. */
    private static SchemaInfo schema(String tag) {
        String moved = tag.equals("v1") ? "" : "@" + tag;
        return new SchemaInfo(
                "schemas-" + tag,
                List.of(
                        new TableSchema(
                                "Sales.user",
                                "Sales",
                                List.of(
                                        int4("id"),
                                        varchar("order"),
                                        new ColumnSchema("note", "text", null, null, null, true)),
                                List.of("id"),
                                List.of(),
                                List.of(),
                                "sales-user-fp" + moved,
                                "sales-user-shape" + moved,
                                true),
                        new TableSchema(
                                "audit.events",
                                "audit",
                                List.of(new ColumnSchema("id", "int8", null, null, null, false), int4("user_id")),
                                List.of("id"),
                                List.of(),
                                List.of(),
                                "events-fp",
                                "events-shape",
                                true),
                        new TableSchema(
                                "audit.log",
                                "audit",
                                List.of(new ColumnSchema("line", "text", null, null, null, true)),
                                List.of(),
                                List.of(),
                                List.of(),
                                "log-fp" + moved,
                                null,
                                false),
                        table("user", null, "user-fp", true)));
    }

    private static TableSchema table(String name, String schema, String fingerprint, boolean followed) {
        return new TableSchema(
                name,
                schema,
                List.of(int4("id"), varchar("order")),
                List.of("id"),
                List.of(),
                List.of(),
                fingerprint,
                fingerprint + "-shape",
                followed);
    }

    private static ColumnSchema int4(String name) {
        return new ColumnSchema(name, "int4", null, null, null, false);
    }

    private static ColumnSchema varchar(String name) {
        return new ColumnSchema(name, "varchar", 20, null, null, true);
    }

    private static String[] change(String table, String op, String... values) {
        String shape = table.equals("Sales.user") ? "sales-user-shape" : "events-shape";
        String[] change = new String[3 + values.length];
        change[0] = table;
        change[1] = op;
        change[2] = shape;
        System.arraycopy(values, 0, change, 3, values.length);
        return change;
    }

    private static List<String> rows(OutpostReplica replica, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
