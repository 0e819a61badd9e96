package dev.outpost.server.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.SyncScope;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageQueryTest {
    private static final SyncScope PUBLIC = SyncScope.homeOnly("public", Set.of());

    private static final TableSchema TABLE = new TableSchema(
            "Odd \"name\"",
            null,
            List.of(
                    new ColumnSchema("b", "text", null, null, null, false),
                    new ColumnSchema("x", "int4", null, null, null, true),
                    new ColumnSchema("a", "int8", null, null, null, false)),
            List.of("a", "b"),
            List.of(),
            List.of(),
            "f",
            null,
            false);

    @Test
    void firstPageOrdersByTheKeyAndQuotesEveryIdentifier() {
        assertEquals(
                "select t.\"b\"::text, t.\"x\"::text, t.\"a\"::text from \"public\".\"Odd \"\"name\"\"\" t order by t.\"a\", t.\"b\" limit ?",
                PageQuery.sql(PUBLIC, TABLE, false));
    }

    @Test
    void laterPagesCompareTheKeyAsARowValueWithTypedParameters() {
        assertEquals(
                "select t.\"b\"::text, t.\"x\"::text, t.\"a\"::text from \"s\".\"Odd \"\"name\"\"\" t"
                        + " where (t.\"a\", t.\"b\") > (cast(cast(? as text) as \"int8\"), cast(cast(? as text) as \"text\"))"
                        + " order by t.\"a\", t.\"b\" limit ?",
                PageQuery.sql(SyncScope.homeOnly("s", Set.of()), TABLE, true));
    }

    @Test
    void theLastKeyOfAFullPageIsTheRowAtTheLimitAfterTheCursorInsideTheFilterWithTheRowAfterIt() {
        assertEquals(
                "select t.\"a\"::text, t.\"b\"::text from \"public\".\"Odd \"\"name\"\"\" t where t.\"x\" = ?"
                        + " and (t.\"a\", t.\"b\") > (cast(cast(? as text) as \"int8\"), cast(cast(? as text) as \"text\"))"
                        + " order by t.\"a\", t.\"b\" offset ? limit 2",
                PageQuery.lastKey(TABLE, PUBLIC, true, "t.\"x\" = ?"));
    }

    @Test
    void aPageWhoseLastKeyIsKnownEndsThereWithoutALimit() {
        assertEquals(
                "select t.\"b\"::text, t.\"x\"::text, t.\"a\"::text from \"public\".\"Odd \"\"name\"\"\" t"
                        + " where (t.\"a\", t.\"b\") <= (cast(cast(? as text) as \"int8\"), cast(cast(? as text) as \"text\"))"
                        + " order by t.\"a\", t.\"b\"",
                PageQuery.sql(PUBLIC, TABLE, false, null, true));
    }

    @Test
    void aTableWithoutPrimaryKeyIsOneUnorderedUnlimitedPage() {
        TableSchema log = keylessLog("log", null);
        assertEquals("select t.\"line\"::text from \"public\".\"log\" t", PageQuery.sql(PUBLIC, log, false));
        assertEquals(PageQuery.allRows(PUBLIC, log), PageQuery.sql(PUBLIC, log, false));
    }

    @Test
    void aTableOfAnotherSchemaIsReadFromThatSchemaByItsOwnName() {
        SyncScope scope = new SyncScope("public", List.of("public", "Audit.Log"), Set.of());
        String name = scope.name("Audit.Log", "entries");
        assertEquals("Audit.Log.entries", name);
        TableSchema entries = keylessLog(name, scope.protocolSchema("Audit.Log"));
        assertEquals("entries", entries.tableName());
        assertEquals("select t.\"line\"::text from \"Audit.Log\".\"entries\" t", PageQuery.allRows(scope, entries));
    }

    private static TableSchema keylessLog(String name, String schema) {
        return new TableSchema(
                name,
                schema,
                List.of(new ColumnSchema("line", "text", null, null, null, true)),
                List.of(),
                List.of(),
                List.of(),
                "f",
                null,
                false);
    }
}
