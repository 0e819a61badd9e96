package dev.outpost.server.access.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.server.access.filter.FilterCompiler.CompiledFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Row filters: what parses, what compiles to which SQL and binds, and what is refused. */
class RowFilterTest {
    private static final Map<String, String> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("id", "int8");
        COLUMNS.put("region", "text");
        COLUMNS.put("amount", "numeric");
        COLUMNS.put("active", "bool");
        COLUMNS.put("Mixed Case", "varchar");
        COLUMNS.put("owner", "text");
    }

    private static final Map<String, List<String>> ATTRIBUTES =
            Map.of("region", List.of("north"), "regions", List.of("north", "south"), "none", List.of());

    private static CompiledFilter compile(String filter) {
        return FilterCompiler.compile(
                RowFilter.parse(filter), COLUMNS, c -> "t." + FilterCompiler.quote(c), ATTRIBUTES);
    }

    private static String cast(String type) {
        return "cast(cast(? as text) as \"" + type + "\")";
    }

    private static FilterException refused(String filter) {
        return assertThrows(FilterException.class, () -> compile(filter), filter);
    }

    @Test
    void comparisonBindsTheLiteralCastToTheColumnsType() {
        CompiledFilter f = compile("amount >= 10.5");
        assertEquals("(t.\"amount\" >= " + cast("numeric") + ")", f.sql());
        assertEquals(List.of("10.5"), f.binds());
    }

    @Test
    void everyOperatorIsKeptAndBangEqualsIsNotEquals() {
        for (String op : List.of("=", "<>", "<", "<=", ">", ">=")) {
            assertEquals(
                    "(t.\"id\" " + op + " " + cast("int8") + ")",
                    compile("id " + op + " 1").sql());
        }
        assertEquals("(t.\"id\" <> " + cast("int8") + ")", compile("id!=1").sql());
    }

    @Test
    void stringsUnescapeDoubledQuotesIntoTheBindValue() {
        CompiledFilter f = compile("region = 'it''s'");
        assertEquals(List.of("it's"), f.binds());
        assertEquals(List.of(""), compile("region = ''").binds());
    }

    @Test
    void andBindsTighterThanOrAndParenthesesRegroup() {
        assertEquals(
                "((t.\"id\" = " + cast("int8") + ") or ((t.\"id\" = " + cast("int8") + ") and (t.\"active\" = "
                        + cast("bool") + ")))",
                compile("id = 1 or id = 2 and active = true").sql());
        assertEquals(
                "(((t.\"id\" = " + cast("int8") + ") or (t.\"id\" = " + cast("int8") + ")) and (t.\"active\" = "
                        + cast("bool") + "))",
                compile("(id = 1 or id = 2) and active = true").sql());
        assertEquals(
                List.of("1", "2", "true"),
                compile("(id = 1 or id = 2) and active = true").binds());
    }

    @Test
    void keywordsAreCaseInsensitiveColumnsAreNot() {
        assertEquals(
                compile("id = 1 and region is null").sql(),
                compile("id = 1 AND region IS NULL").sql());
        assertTrue(refused("ID = 1").getMessage().contains("no column \"ID\""));
        assertEquals(
                "(t.\"Mixed Case\" = " + cast("varchar") + ")",
                compile("\"Mixed Case\" = 'x'").sql());
    }

    @Test
    void notIsNullAndInCompile() {
        assertEquals(
                "(not (t.\"active\" = " + cast("bool") + "))",
                compile("not active = false").sql());
        assertEquals("(t.\"region\" is not null)", compile("region is not null").sql());
        CompiledFilter in = compile("id in (1, 2, -3)");
        assertEquals("(t.\"id\" in (" + cast("int8") + ", " + cast("int8") + ", " + cast("int8") + "))", in.sql());
        assertEquals(List.of("1", "2", "-3"), in.binds());
        assertEquals(
                "(t.\"id\" not in (" + cast("int8") + "))",
                compile("id not in (1)").sql());
    }

    @Test
    void parametersAreBoundFromTheAttributes() {
        CompiledFilter scalar = compile("region = :region");
        assertEquals("(t.\"region\" = " + cast("text") + ")", scalar.sql());
        assertEquals(List.of("north"), scalar.binds());
        CompiledFilter list = compile("region in (:regions, 'west')");
        assertEquals(List.of("north", "south", "west"), list.binds());
        assertEquals("false", compile("region in (:none)").sql());
        assertEquals("true", compile("region not in (:none)").sql());
        assertEquals(
                Set.of("region", "regions"),
                RowFilter.parse("region = :region or region in (:regions)").parameters());
    }

    @Test
    void aListParameterOutsideInAndAnUnknownParameterAreRefused() {
        assertTrue(refused("region = :regions").getMessage().contains("only stand in 'in (...)'"));
        assertTrue(refused("region = :none").getMessage().contains("has 0 values"));
        assertTrue(refused("region = :tenant").getMessage().contains(":tenant is not an attribute"));
        assertTrue(refused("region in (:tenant)").getMessage().contains(":tenant"));
    }

    @Test
    void columnsMayBeComparedWithColumnsButNotListed() {
        assertEquals("(t.\"region\" = t.\"owner\")", compile("region = owner").sql());
        assertTrue(compile("region = owner").binds().isEmpty());
        assertTrue(refused("region in (owner)").getMessage().contains("values, not columns"));
        assertTrue(refused("region = nobody").getMessage().contains("no column \"nobody\""));
    }

    @Test
    void unknownColumnsAreRefusedWhereverTheyStand() {
        for (String f : List.of("x = 1", "x is null", "x in (1)", "id = 1 or (x = 1)", "not x = 1")) {
            assertTrue(refused(f).getMessage().contains("no column \"x\""), f);
        }
    }

    @Test
    void nullIsOnlyWrittenWithIs() {
        assertTrue(refused("region = null").getMessage().contains("is null"));
        assertTrue(refused("region in (null)").getMessage().contains("is null"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "id",
                "id =",
                "= 1",
                "1 = id",
                "'a' = region",
                "id = 1 and",
                "id = 1 or or id = 2",
                "(id = 1",
                "id = 1)",
                "id = 1) OR (1=1",
                "1=1) OR (1=1",
                "region = 'x' or 1=1",
                "region = 'x'; drop table users",
                "region = ''; drop table users; --'",
                "region = 'x' -- comment",
                "region = 'x' /* comment */",
                "/* */ id = 1",
                "region = 'unterminated",
                "\"unterminated = 1",
                "\"\" = 1",
                "region = \u2018x\u2019",
                "region = \u201cx\u201d",
                "region = `x`",
                "region = $$x$$",
                "region = E'x'",
                "id = 1e",
                "id = 1.",
                "id = 1abc",
                "id = 0x10",
                "region = :",
                "region = :1",
                "region ! 'x'",
                "region is 'x'",
                "region is not 'x'",
                "region not 'x'",
                "region in ()",
                "region in 'x'",
                "region in ('x',)",
                "region like 'x%'",
                "region = 'x' || 'y'",
                "id = 1 + 1",
                "id = (1)",
                "id = true()",
                "id = pg_sleep(10)",
                "t.id = 1",
                "id = 1 and not",
                "id::text = '1'",
                "region = 'a'\u0000",
                "id = 1 ;",
            })
    void malformedAndInjectedFiltersAreRefused(String filter) {
        refused(filter);
    }

    @Test
    void injectionStringsInsideAStringStayOneBindValue() {
        for (String evil :
                List.of("1=1) OR (1=1", "'; drop table users; --", "x' or '1'='1", "/* */", "\u2019 or 1=1")) {
            CompiledFilter f = compile("region = '" + evil.replace("'", "''") + "'");
            assertEquals("(t.\"region\" = " + cast("text") + ")", f.sql());
            assertEquals(List.of(evil), f.binds());
        }
    }

    @Test
    void aQuotedColumnNameIsRequotedSoItCannotCloseTheIdentifier() {
        Map<String, String> columns = Map.of("a\"b", "text");
        CompiledFilter f = FilterCompiler.compile(
                RowFilter.parse("\"a\"\"b\" = 'x'"), columns, c -> FilterCompiler.quote(c), Map.of());
        assertEquals("(\"a\"\"b\" = " + cast("text") + ")", f.sql());
    }

    @Test
    void parameterValuesWithQuotesOrSqlAreOnlyBindValues() {
        Map<String, List<String>> attributes = Map.of("r", List.of("x') or ('1'='1"));
        CompiledFilter f =
                FilterCompiler.compile(RowFilter.parse("region = :r"), COLUMNS, FilterCompiler::quote, attributes);
        assertFalse(f.sql().contains("or"));
        assertEquals(List.of("x') or ('1'='1"), f.binds());
    }

    @Test
    void nestingIsLimited() {
        String ok = "(".repeat(RowFilter.MAX_DEPTH - 1) + "id = 1" + ")".repeat(RowFilter.MAX_DEPTH - 1);
        compile(ok);
        String deep = "(".repeat(RowFilter.MAX_DEPTH + 1) + "id = 1" + ")".repeat(RowFilter.MAX_DEPTH + 1);
        assertTrue(refused(deep).getMessage().contains("nests deeper"));
        assertTrue(refused("not ".repeat(RowFilter.MAX_DEPTH + 1) + "id = 1")
                .getMessage()
                .contains("nests deeper"));
        // a very deep filter fails with a message, not with a StackOverflowError
        refused("(".repeat(100_000));
    }

    @Test
    void lengthAndListsAreLimited() {
        String longFilter = "region = '" + "x".repeat(FilterLexer.MAX_LENGTH) + "'";
        assertTrue(refused(longFilter).getMessage().contains("longer than"));
        String many = "id in (" + "1, ".repeat(RowFilter.MAX_LIST) + "1)";
        assertTrue(many.length() < FilterLexer.MAX_LENGTH);
        assertTrue(refused(many).getMessage().contains("more than"));
    }

    @Test
    void errorsNameThePosition() {
        FilterException e = refused("id = 1 and region = 'x' -- y");
        assertTrue(e.getMessage().contains("at character 25"), e.getMessage());
        assertTrue(e.getMessage().contains("'-'"), e.getMessage());
    }

    @Test
    void columnsAndParametersAreListed() {
        RowFilter f = RowFilter.parse("region = :region and (owner is null or amount > 1) and region <> owner");
        assertEquals(List.of("region", "owner", "amount"), List.copyOf(f.columns()));
        assertEquals(List.of("region"), List.copyOf(f.parameters()));
    }
}
