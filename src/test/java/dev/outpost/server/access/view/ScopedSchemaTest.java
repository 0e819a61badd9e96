package dev.outpost.server.access.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.ForeignKeySchema;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.problem.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What a scope sees of the schema and the version, and which grants are refused. */
class ScopedSchemaTest {
    private static final TableSchema COMPANIES = table(
            "companies", List.of("id", "name", "region", "secret"), List.of("id"), List.of(List.of("name")), List.of());
    private static final TableSchema USERS = table(
            "users",
            List.of("id", "company_id", "email"),
            List.of("id"),
            List.of(),
            List.of(new ForeignKeySchema("users_company", List.of("company_id"), "companies", List.of("id"))));
    private static final TableSchema LOG = table("log", List.of("line"), List.of(), List.of(), List.of());
    private static final SchemaInfo SCHEMA =
            new SchemaInfo(ScopedSchema.fingerprint(List.of(COMPANIES, LOG, USERS)), List.of(COMPANIES, LOG, USERS));

    private static TableSchema table(
            String name,
            List<String> columns,
            List<String> pk,
            List<List<String>> uniques,
            List<ForeignKeySchema> fks) {
        return new TableSchema(
                name,
                null,
                columns.stream()
                        .map(c -> new ColumnSchema(c, c.equals("id") ? "int8" : "text", null, null, null, true))
                        .toList(),
                pk,
                uniques,
                fks,
                "fp-" + name,
                "shape-" + name,
                !pk.isEmpty());
    }

    private static TableGrant grant(String table, List<String> columns, String filter) {
        return new TableGrant(table, Optional.ofNullable(columns), Optional.ofNullable(filter));
    }

    private static AccessScope scope(Map<String, List<String>> attributes, TableGrant... grants) {
        Map<String, TableGrant> map = new java.util.HashMap<>();
        for (TableGrant g : grants) {
            map.put(g.table(), g);
        }
        return new AccessScope(false, map, attributes);
    }

    @Test
    void anUnrestrictedScopeSeesTheSchemaAndVersionUnchanged() {
        assertSame(SCHEMA, ScopedSchema.of(SCHEMA, AccessScope.UNRESTRICTED, Set.of()));
        VersionInfo version = new VersionInfo("1", null, SCHEMA.fingerprint(), Map.of(), "db");
        assertSame(version, ScopedSchema.of(version, SCHEMA, AccessScope.UNRESTRICTED));
    }

    @Test
    void onlyGrantedTablesAndColumnsAreListed() {
        AccessScope scope = scope(Map.of(), grant("companies", List.of("id", "region"), null), TableGrant.whole("log"));
        SchemaInfo seen = ScopedSchema.of(SCHEMA, scope, Set.of());
        assertEquals(
                List.of("companies", "log"),
                seen.tables().stream().map(TableSchema::name).toList());
        TableSchema companies = seen.tables().get(0);
        assertEquals(
                List.of("id", "region"),
                companies.columns().stream().map(ColumnSchema::name).toList());
        assertEquals(List.of(), companies.uniqueConstraints(), "a unique constraint over a hidden column is hidden");
        assertNotEquals(COMPANIES.fingerprint(), companies.fingerprint());
        assertNotEquals(COMPANIES.shape(), companies.shape());
        assertSame(LOG, seen.tables().get(1), "a whole table is shown as it is");
        assertNotEquals(SCHEMA.fingerprint(), seen.fingerprint());
    }

    @Test
    void aForeignKeyIsShownOnlyWhenItsReferencedTableAndColumnsAreVisible() {
        AccessScope withCompanies = scope(Map.of(), TableGrant.whole("users"), grant("companies", List.of("id"), null));
        TableSchema users =
                ScopedSchema.of(SCHEMA, withCompanies, Set.of()).tables().get(1);
        assertEquals(1, users.foreignKeys().size());
        AccessScope without = scope(Map.of(), TableGrant.whole("users"));
        TableSchema alone = ScopedSchema.of(SCHEMA, without, Set.of()).tables().get(0);
        assertEquals(List.of(), alone.foreignKeys(), "no name of a table the scope cannot see");
        assertNotEquals(users.fingerprint(), alone.fingerprint());
    }

    @Test
    void theFingerprintCoversFilterTextAndTheBoundAttributeValues() {
        TableGrant filtered = grant("companies", null, "region = :region");
        String north = fingerprint(scope(Map.of("region", List.of("north")), filtered));
        String south = fingerprint(scope(Map.of("region", List.of("south")), filtered));
        String other = fingerprint(scope(Map.of("region", List.of("north"), "unused", List.of("x")), filtered));
        String text = fingerprint(
                scope(Map.of("region", List.of("north")), grant("companies", null, "region = :region or id = 1")));
        assertNotEquals(north, south);
        assertEquals(north, other, "an attribute the filter does not use changes nothing");
        assertNotEquals(north, text);
        assertNotEquals(COMPANIES.fingerprint(), north);
    }

    private static String fingerprint(AccessScope scope) {
        return ScopedSchema.of(SCHEMA, scope, Set.of()).tables().get(0).fingerprint();
    }

    @Test
    void aFilteredTableIsFollowedOnlyUnderReplicaIdentityFull() {
        AccessScope scope = scope(Map.of(), grant("companies", null, "region = 'north'"), TableGrant.whole("users"));
        SchemaInfo notFull = ScopedSchema.of(SCHEMA, scope, Set.of());
        assertFalse(notFull.tables().get(0).followed());
        assertTrue(notFull.tables().get(1).followed(), "an unfiltered table is followed as before");
        assertTrue(ScopedSchema.of(SCHEMA, scope, Set.of("companies"))
                .tables()
                .get(0)
                .followed());
        assertEquals(
                notFull.fingerprint(),
                ScopedSchema.of(SCHEMA, scope, Set.of("companies")).fingerprint());
    }

    @Test
    void theVersionListsTheScopesTablesWithTheSchemaEndpointsFingerprints() {
        AccessScope scope = scope(Map.of("r", List.of("n")), grant("companies", List.of("id"), "region = :r"));
        VersionInfo version = new VersionInfo(
                "1", null, SCHEMA.fingerprint(), Map.of("companies", "fp-companies", "users", "fp-users"), "db");
        VersionInfo seen = ScopedSchema.of(version, SCHEMA, scope);
        SchemaInfo schema = ScopedSchema.of(SCHEMA, scope, Set.of());
        assertEquals(schema.fingerprint(), seen.schemaFingerprint());
        assertEquals(Map.of("companies", schema.tables().get(0).fingerprint()), seen.tableFingerprints());
        assertEquals("db", seen.database());
    }

    @Test
    void aGrantThatNoLongerFitsHidesItsTable() {
        AccessScope scope = scope(Map.of(), grant("companies", null, "region = :gone"), TableGrant.whole("log"));
        assertEquals(
                List.of("log"),
                ScopedSchema.of(SCHEMA, scope, Set.of()).tables().stream()
                        .map(TableSchema::name)
                        .toList());
        ProblemException e = assertThrows(
                ProblemException.class,
                () -> ScopedTable.require(COMPANIES, scope.grants().get("companies"), scope));
        assertEquals(ProblemType.UNKNOWN_TABLE, e.type());
    }

    @Test
    void anUngrantedTableIsTheSameProblemAsAnUnknownOne() {
        AccessScope scope = scope(Map.of(), TableGrant.whole("log"));
        ProblemException hidden = assertThrows(ProblemException.class, () -> ScopedTable.require("users", scope));
        ProblemException unknown = ScopedTable.unknownTable("users");
        assertEquals(unknown.type(), hidden.type());
        assertEquals(unknown.getMessage(), hidden.getMessage());
    }

    @Test
    void grantsAreValidatedNamingTheField() {
        Map<String, List<String>> attributes = Map.of("r", List.of("n"), "rs", List.of("a", "b"));
        assertField("columns", grant("companies", List.of("name"), null), COMPANIES, attributes);
        assertField("columns", grant("companies", List.of("id", "nope"), null), COMPANIES, attributes);
        assertField("columns", grant("log", List.of("line"), null), LOG, attributes);
        assertField("rowFilter", grant("companies", null, "nope = 1"), COMPANIES, attributes);
        assertField("rowFilter", grant("companies", null, "region = :missing"), COMPANIES, attributes);
        assertField("rowFilter", grant("companies", null, "region = :rs"), COMPANIES, attributes);
        assertField("rowFilter", grant("companies", null, "region = 'x' or"), COMPANIES, attributes);
        assertField("table", grant("users", null, null), COMPANIES, attributes);
        GrantCheck.validate(
                grant("companies", List.of("id"), "secret in (:rs) and region = :r"), COMPANIES, attributes);
        GrantCheck.validate(grant("log", null, "line is not null"), LOG, attributes);
    }

    private static void assertField(
            String field, TableGrant grant, TableSchema table, Map<String, List<String>> attributes) {
        InvalidGrantException e =
                assertThrows(InvalidGrantException.class, () -> GrantCheck.validate(grant, table, attributes));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
        assertEquals(ProblemType.BAD_REQUEST, e.type());
    }
}
