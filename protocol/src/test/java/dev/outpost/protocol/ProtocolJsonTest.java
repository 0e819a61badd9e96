package dev.outpost.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Pins the JSON shapes of the protocol documents with golden files in {@code fixtures/}. */
class ProtocolJsonTest {
    private static final Jsonb JSONB = JsonbBuilder.create();

    @AfterAll
    static void close() throws Exception {
        JSONB.close();
    }

    private static String golden(String name) throws Exception {
        try (InputStream in = ProtocolJsonTest.class.getResourceAsStream("/fixtures/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static <T> void assertPinned(String fixture, T value, Class<T> type) throws Exception {
        assertEquals(golden(fixture), JSONB.toJson(value), fixture + " serialised");
        assertEquals(value, JSONB.fromJson(golden(fixture), type), fixture + " parsed");
    }

    @Test
    void versionInfoShapeIsPinned() throws Exception {
        Map<String, String> tables = new LinkedHashMap<>();
        tables.put("companies", "c1");
        tables.put("users", "u1");
        VersionInfo v = new VersionInfo(
                "2.0",
                new ChangeSetInfo("r2-tag", "outpost", "liquibase/r2.xml", 9, "2026-11-24T10:15:30"),
                "s1",
                tables,
                "7301234567890123456:16384");
        assertPinned("version.json", v, VersionInfo.class);
    }

    @Test
    void untaggedVersionOmitsTheTag() throws Exception {
        VersionInfo v = new VersionInfo(null, null, "s0", Map.of(), null);
        assertPinned("version-untagged.json", v, VersionInfo.class);
    }

    @Test
    void schemaInfoShapeIsPinned() throws Exception {
        TableSchema users = new TableSchema(
                "users",
                null,
                List.of(
                        new ColumnSchema("id", "int8", null, null, null, false),
                        new ColumnSchema("email", "varchar", 320, null, null, false),
                        new ColumnSchema("balance", "numeric", null, 12, 2, true)),
                List.of("id"),
                List.of(List.of("email")),
                List.of(new ForeignKeySchema("fk_users_company", List.of("company_id"), "companies", List.of("id"))),
                "u1",
                "r1",
                true);
        TableSchema events = new TableSchema(
                "audit.events",
                "audit",
                List.of(new ColumnSchema("user_id", "int8", null, null, null, false)),
                List.of(),
                List.of(),
                List.of(new ForeignKeySchema("fk_events_user", List.of("user_id"), "users", List.of("id"))),
                "e1",
                "r2",
                false);
        assertPinned("schema.json", new SchemaInfo("s1", List.of(users, events)), SchemaInfo.class);
        assertEquals("users", users.tableName());
        assertEquals("events", events.tableName());
        assertEquals("audit.events", TableSchema.qualifiedName("audit", "events"));
        assertEquals("users", TableSchema.qualifiedName(null, "users"));
    }

    @Test
    void tableDigestShapeIsPinned() throws Exception {
        assertPinned("table-digest.json", new TableDigest("users", 2, "00ff"), TableDigest.class);
    }

    @Test
    void problemShapeIsPinned() throws Exception {
        Problem p = Problem.of(ProblemType.UNKNOWN_TABLE, "no synced table named 'nope'");
        assertPinned("problem.json", p, Problem.class);
        assertEquals(ProblemType.UNKNOWN_TABLE, ProblemType.fromUri(p.type()));
        assertEquals(ProblemType.SERVER_ERROR, ProblemType.fromUri("urn:somebody:else"));
    }

    @Test
    void createdTokenShapeIsPinned() throws Exception {
        TokenInfo token = new TokenInfo(
                12,
                "laptop-17",
                "replica",
                java.time.OffsetDateTime.parse("2030-01-01T10:00:00Z"),
                null,
                java.time.OffsetDateTime.parse("2031-01-01T00:00:00Z"),
                null,
                List.of(
                        new TokenInfo.Grant("companies", List.of("id", "name"), null),
                        new TokenInfo.Grant("users", null, "company_id = :company")),
                Map.of("company", List.of("7")));
        assertPinned("created-token.json", new CreatedToken("op_secret", token), CreatedToken.class);
    }

    @Test
    void auditEntryShapeIsPinned() throws Exception {
        AuditEntry entry = new AuditEntry(
                3,
                "token 1 (ops)",
                "token.revoke",
                12L,
                java.time.OffsetDateTime.parse("2030-01-02T08:00:00Z"),
                "name=laptop-17");
        assertPinned("audit-entry.json", entry, AuditEntry.class);
    }

    @Test
    void syncReportShapeIsPinned() throws Exception {
        SyncReport report = new SyncReport(
                "REBUILT",
                "3.0",
                "fp3",
                List.of("companies"),
                List.of("users"),
                120,
                4096,
                850,
                42L,
                null,
                null,
                1,
                List.of("users.birth_date"));
        assertPinned("sync-report.json", report, SyncReport.class);
    }
}
