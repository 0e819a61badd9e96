package dev.outpost.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.ForeignKeySchema;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.TestLiquibase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The schema reader against a real catalog: the example schema plus shapes we did not design. */
class PostgresCatalogReaderIT {

    private static Map<String, TableSchema> byName(List<TableSchema> tables) {
        return tables.stream().collect(Collectors.toMap(TableSchema::name, Function.identity()));
    }

    private static void exec(Connection c, String... sql) throws Exception {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    @Test
    void readsTheExampleSchemaWithoutLiquibaseTables() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("catalog_example")) {
            TestLiquibase.update(c, TestLiquibase.MASTER, null);
            Map<String, TableSchema> tables =
                    byName(new PostgresCatalogReader(SyncScope.homeOnly("public", Set.of())).read(c));
            assertEquals(
                    Set.of(
                            "companies",
                            "users",
                            "workspaces",
                            "data_tables",
                            "data_table_columns",
                            "user_preferences",
                            "audit_notes"),
                    tables.keySet());
            TableSchema dataTables = tables.get("data_tables");
            assertEquals(List.of(List.of("workspace_id", "name")), dataTables.uniqueConstraints());
            assertEquals(
                    List.of(new ForeignKeySchema(
                            "fk_data_tables_workspace", List.of("workspace_id"), "workspaces", List.of("id"))),
                    dataTables.foreignKeys());
            assertEquals(
                    new ColumnSchema("external_id", "uuid", null, null, null, false),
                    tables.get("workspaces").columns().get(2));
            assertEquals(
                    new ColumnSchema("country", "bpchar", 2, null, null, true),
                    tables.get("companies").columns().get(4));
            assertEquals(
                    "jsonb", tables.get("user_preferences").columns().get(3).type());
        }
    }

    @Test
    void handlesQuotedNamesCompositeKeysDomainsPartitionsViewsAndOtherSchemas() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("catalog_shapes")) {
            exec(
                    c,
                    "create domain email as varchar(100) not null",
                    "create table \"MixedCase\" (\"Id\" int primary key, \"order\" text, amount numeric)",
                    "create table parent (a int, b text, primary key (a, b))",
                    "create table child (id int primary key, pa int, pb text, contact email,"
                            + " foreign key (pa, pb) references parent (a, b))",
                    "create table measurements (id bigint, at date, primary key (id, at)) partition by range (at)",
                    "create table measurements_2024 partition of measurements for values from ('2024-01-01') to ('2025-01-01')",
                    "create view child_view as select * from child",
                    "create materialized view child_mat as select * from child",
                    "create schema other",
                    "create table other.elsewhere (id int primary key)");
            Map<String, TableSchema> tables =
                    byName(new PostgresCatalogReader(SyncScope.homeOnly("public", Set.of())).read(c));
            assertEquals(Set.of("MixedCase", "parent", "child", "measurements"), tables.keySet());
            TableSchema mixed = tables.get("MixedCase");
            assertEquals(List.of("Id"), mixed.primaryKey());
            assertEquals("order", mixed.columns().get(1).name());
            assertNull(mixed.columns().get(2).precision(), "numeric without precision");
            assertEquals(List.of("a", "b"), tables.get("parent").primaryKey());
            ForeignKeySchema fk = tables.get("child").foreignKeys().get(0);
            assertEquals(List.of("pa", "pb"), fk.columns());
            assertEquals(List.of("a", "b"), fk.referencedColumns());
            assertEquals(
                    new ColumnSchema("contact", "varchar", 100, null, null, false),
                    tables.get("child").columns().get(3));
            assertEquals(List.of("id", "at"), tables.get("measurements").primaryKey());

            Map<String, TableSchema> only =
                    byName(new PostgresCatalogReader(SyncScope.homeOnly("public", Set.of("parent", "nope"))).read(c));
            assertEquals(Set.of("parent"), only.keySet());
            assertEquals(
                    Set.of("elsewhere"),
                    byName(new PostgresCatalogReader(SyncScope.homeOnly("other", Set.of())).read(c))
                            .keySet());
        }
    }

    @Test
    void severalSchemasAreReadWithQualifiedNamesForTablesOutsideTheHomeSchema() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("catalog_schemas")) {
            exec(
                    c,
                    "create table users (id int primary key)",
                    "create schema audit",
                    "create table audit.users (id int primary key, note text)",
                    "create table audit.events (id int primary key, user_id int references public.users,"
                            + " audit_user int references audit.users)",
                    "create table audit.databasechangelog (id int)",
                    "create schema \"Sales Data\"",
                    "create table \"Sales Data\".\"Orders\" (\"Id\" int primary key,"
                            + " event int references audit.events)",
                    "create schema ignored",
                    "create table ignored.t (id int primary key)");
            SyncScope scope = new SyncScope("public", List.of("public", "audit", "Sales Data"), Set.of());
            Map<String, TableSchema> tables = byName(new PostgresCatalogReader(scope).read(c));
            assertEquals(
                    List.of("Sales Data.Orders", "audit.events", "audit.users", "users"),
                    new PostgresCatalogReader(scope)
                            .read(c).stream().map(TableSchema::name).toList(),
                    "sorted by protocol name; Liquibase's tables and unlisted schemas left out");
            assertNull(tables.get("users").schema());
            assertEquals("users", tables.get("users").tableName());
            assertEquals("audit", tables.get("audit.users").schema());
            assertEquals("users", tables.get("audit.users").tableName());
            assertEquals(2, tables.get("audit.users").columns().size(), "its own columns, not public.users'");
            assertEquals(
                    List.of(
                            new ForeignKeySchema(
                                    "events_audit_user_fkey", List.of("audit_user"), "audit.users", List.of("id")),
                            new ForeignKeySchema("events_user_id_fkey", List.of("user_id"), "users", List.of("id"))),
                    tables.get("audit.events").foreignKeys());
            assertEquals("Sales Data", tables.get("Sales Data.Orders").schema());
            assertEquals(List.of("Id"), tables.get("Sales Data.Orders").primaryKey());
            assertEquals(
                    "audit.events",
                    tables.get("Sales Data.Orders").foreignKeys().get(0).referencedTable());
            assertNotEquals(
                    tables.get("users").fingerprint(), tables.get("audit.users").fingerprint());

            assertEquals(
                    Set.of("audit.users"),
                    byName(new PostgresCatalogReader(new SyncScope(
                                            "public", List.of("public", "audit"), Set.of("audit.users", "events")))
                                    .read(c))
                            .keySet(),
                    "outpost.tables names tables of other schemas by their protocol names");

            PostgresCatalogReader reader = new PostgresCatalogReader(scope);
            for (String name : List.of("users", "audit.users", "audit.events", "Sales Data.Orders")) {
                assertEquals(
                        tables.get(name),
                        reader.readTable(c, name).orElseThrow(),
                        name + " read alone equals " + name + " read with every table");
            }
            assertTrue(reader.readTable(c, "ignored.t").isEmpty(), "a table outside the scope is not read alone");
            assertTrue(reader.readTable(c, "audit.missing").isEmpty());

            exec(c, "create table public.\"audit.users\" (id int primary key)");
            SQLException clash = assertThrows(SQLException.class, () -> new PostgresCatalogReader(scope).read(c));
            assertTrue(clash.getMessage().contains("'audit.users'"), clash.getMessage());
        }
    }

    @Test
    void aTableFingerprintChangesOnlyWhenThatTableChanges() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("catalog_fingerprints")) {
            exec(c, "create table a (id int primary key)", "create table b (id int primary key)");
            PostgresCatalogReader reader = new PostgresCatalogReader(SyncScope.homeOnly("public", Set.of()));
            Map<String, TableSchema> before = byName(reader.read(c));
            assertEquals(
                    before.get("a").fingerprint(),
                    byName(reader.read(c)).get("a").fingerprint(),
                    "stable");
            exec(c, "alter table b add column note varchar(20)");
            Map<String, TableSchema> after = byName(reader.read(c));
            assertEquals(before.get("a").fingerprint(), after.get("a").fingerprint());
            assertNotEquals(before.get("b").fingerprint(), after.get("b").fingerprint());
            exec(c, "alter table b alter column note type varchar(30)");
            assertNotEquals(
                    after.get("b").fingerprint(),
                    byName(reader.read(c)).get("b").fingerprint(),
                    "a length change counts");
            assertFalse(before.get("a").fingerprint().isEmpty());
        }
    }
}
