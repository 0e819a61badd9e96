package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each PostgreSQL habit's hint, with the numbers and types of the query in it, and none for Derby's own SQL. */
class SqlHintsTest {
    private static final String SYNTAX = "42X01";

    @Test
    void limitBecomesFetchFirstWithTheQueriesCount() {
        assertEquals(
                List.of("Derby has no LIMIT: write FETCH FIRST 10 ROWS ONLY (after OFFSET m ROWS to skip m rows)"),
                SqlHints.forQuery("select * from users limit 10", SYNTAX));
    }

    @Test
    void limitWithOffsetBecomesOffsetRowsFetchFirst() {
        assertEquals(
                List.of("Derby has no LIMIT: write OFFSET 20 ROWS FETCH FIRST 10 ROWS ONLY"),
                SqlHints.forQuery("select * from users LIMIT 10 OFFSET 20", SYNTAX));
    }

    @Test
    void offsetWithoutRowsGetsRows() {
        assertEquals(List.of("Derby writes OFFSET 5 ROWS"), SqlHints.forQuery("select * from users offset 5", SYNTAX));
        assertEquals(List.of(), SqlHints.forQuery("select * from users offset 5 rows", SYNTAX));
    }

    @Test
    void ilikeCastsAndNowEachHaveTheirHint() {
        assertEquals(
                List.of("Derby has no ILIKE: write LOWER(x) LIKE LOWER('pattern')"),
                SqlHints.forQuery("select * from users where email ilike '%A%'", SYNTAX));
        assertEquals(
                List.of("Derby has no :: casts: write CAST(x AS integer) for x::integer"),
                SqlHints.forQuery("select id::integer from users", "42X51"));
        assertEquals(
                List.of(
                        "Derby has no :: casts: write CAST(x AS text) for x::text",
                        "Derby has no TEXT type: cast to VARCHAR(n)"),
                SqlHints.forQuery("select id :: text from users", "42X51"));
        assertEquals(
                List.of("Derby has no now(): write CURRENT_TIMESTAMP"),
                SqlHints.forQuery("select NOW() from users", "42Y03"));
    }

    @Test
    void aQuotedLowerCaseNameIsHintedOnlyWhenDerbyFoundNoSuchTableOrColumn() {
        String hint = "Derby upper-cases unquoted names, and the replica's tables and columns are stored so: write"
                + " users without double quotes (a quoted \"users\" is another name; a string takes single quotes)";
        assertEquals(List.of(hint), SqlHints.forQuery("select * from \"users\"", "42X05"));
        assertEquals(List.of(), SqlHints.forQuery("select * from \"users\" limt", SYNTAX));
    }

    @Test
    void derbysOwnSqlHasNoHint() {
        assertEquals(
                List.of(),
                SqlHints.forQuery(
                        "select * from users where active = true offset 1 rows fetch first 2 rows only", SYNTAX));
        assertEquals(List.of(), SqlHints.forQuery("select limited, offset_x from users", SYNTAX));
    }
}
