package dev.outpost.server.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.PostgresCatalogReader;
import dev.outpost.server.catalog.SyncScope;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The row shape computed from {@code pgoutput}'s Relation messages (decoded by {@link PgOutput}) equals
 * the one the catalog reader computes from {@code pg_attribute}, on real PostgreSQL, for every kind of
 * column list: ordinary, domain-typed, type modifiers, generated and dropped columns.
 */
class RowShapeIT {
    private static final String SLOT = "row_shape_it";

    @Test
    void theCatalogAndPgoutputAgreeOnEveryTablesRowShape() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("row_shape")) {
            exec(
                    c,
                    "create domain flag as boolean",
                    "create domain strict_flag as flag not null",
                    "create domain email as varchar(100)",
                    "create table ordinary (id bigint primary key, name text, at timestamptz)",
                    "create table domained (id int primary key, f flag, sf strict_flag, e email)",
                    "create table modded (id int primary key, v varchar(20), n numeric(12,2), c char(3),"
                            + " t timestamp(3), bits bit(4), arr varchar(5)[])",
                    "create table generated (id int primary key, a int,"
                            + " twice int generated always as (a * 2) stored, b text)",
                    "create table dropped (id int primary key, gone text, kept text)",
                    "alter table dropped drop column gone",
                    "create publication row_shape_it for table ordinary, domained, modded, generated, dropped",
                    "select pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
            try {
                exec(
                        c,
                        "insert into ordinary values (1, 'a', now())",
                        "insert into domained values (1, true, false, 'x@y.z')",
                        "insert into modded values (1, 'v', 1.5, 'ab', now(), B'1010', '{a}')",
                        "insert into generated (id, a, b) values (1, 2, 'b')",
                        "insert into dropped (id, kept) values (1, 'k')");
                Map<String, String> decoded = relationShapes(c);
                Map<String, TableSchema> catalog = catalog(c);
                assertEquals(Set.of("ordinary", "domained", "modded", "generated", "dropped"), decoded.keySet());
                for (String table : decoded.keySet()) {
                    assertEquals(catalog.get(table).shape(), decoded.get(table), table);
                }

                String before = catalog.get("domained").fingerprint();
                exec(
                        c,
                        "alter table domained alter column f type strict_flag", // same base type, other oid
                        "alter table modded alter column v type varchar(30)",
                        "alter table ordinary add column extra int",
                        "insert into ordinary values (2, 'b', now(), 7)",
                        "insert into domained values (2, true, false, 'x@y.z')",
                        "insert into modded values (2, 'v', 1.5, 'ab', now(), B'1010', '{a}')");
                Map<String, String> after = relationShapes(c);
                Map<String, TableSchema> catalogAfter = catalog(c);
                for (String table : List.of("ordinary", "domained", "modded")) {
                    assertEquals(catalogAfter.get(table).shape(), after.get(table), table + " after the change");
                    assertNotEquals(decoded.get(table), after.get(table), table + " has a new shape");
                }
                assertNotEquals(
                        before, catalogAfter.get("domained").fingerprint(), "a domain swap changes the fingerprint");
            } finally {
                exec(c, "select pg_drop_replication_slot('" + SLOT + "')");
            }
        }
    }

    /** The shapes of the Relation messages pgoutput sent since the last call, by table. */
    private static Map<String, String> relationShapes(Connection c) throws SQLException {
        Map<String, String> shapes = new HashMap<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select data from pg_logical_slot_get_binary_changes('" + SLOT
                        + "', null, null, 'proto_version', '1', 'publication_names', 'row_shape_it')")) {
            while (rs.next()) {
                if (PgOutput.decode(ByteBuffer.wrap(rs.getBytes(1))) instanceof PgOutput.Relation relation) {
                    shapes.put(relation.name(), relation.shape());
                }
            }
        }
        return shapes;
    }

    private static Map<String, TableSchema> catalog(Connection c) throws SQLException {
        return new PostgresCatalogReader(SyncScope.homeOnly("public", Set.of()))
                .read(c).stream().collect(Collectors.toMap(TableSchema::name, Function.identity()));
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
