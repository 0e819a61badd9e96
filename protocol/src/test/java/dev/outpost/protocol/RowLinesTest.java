package dev.outpost.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RowLinesTest {

    private static String[] roundTrip(String... values) {
        String line = RowLines.rowLine(values);
        assertEquals('\n', line.charAt(line.length() - 1));
        RowLines.Line parsed = RowLines.parse(line.substring(0, line.length() - 1));
        return assertInstanceOf(RowLines.Row.class, parsed).values();
    }

    @Test
    void rowsRoundTripNullsEmptyStringsAndEscapes() {
        String[] values = {"1", null, "", "quote \" backslash \\ slash /", "line\nfeed\r\ttab", "\u0001\u001f", "\u2028"
        };
        assertArrayEquals(values, roundTrip(values));
    }

    @Test
    void rowsRoundTripCharactersOutsideTheBasicMultilingualPlane() {
        String[] values = {"emoji \uD83D\uDE00 and \uD834\uDD1E", "ünïcödé"};
        assertArrayEquals(values, roundTrip(values));
    }

    @Test
    void emptyRowIsAnEmptyArray() {
        assertEquals("[]\n", RowLines.rowLine(new String[0]));
        assertArrayEquals(new String[0], roundTrip());
    }

    @Test
    void rowLineIsPinned() {
        assertEquals("[\"1\",null,\"a\\\"b\"]\n", RowLines.rowLine(new String[] {"1", null, "a\"b"}));
    }

    @Test
    void endMarkerCarriesCountAndNextCursor() throws Exception {
        StringBuilder b = new StringBuilder();
        RowLines.appendEnd(b, 42, "abc_-");
        assertEquals("{\"end\":true,\"rows\":42,\"next\":\"abc_-\"}\n", b.toString());
        RowLines.End end =
                assertInstanceOf(RowLines.End.class, RowLines.parse(b.toString().trim()));
        assertEquals(new RowLines.End(42, "abc_-"), end);
    }

    @Test
    void lastPageEndsWithNullNext() throws Exception {
        StringBuilder b = new StringBuilder();
        RowLines.appendEnd(b, 0, null);
        assertEquals(new RowLines.End(0, null), RowLines.parse(b.toString().trim()));
    }

    @Test
    void truncatedOrForeignLinesAreRejectedWithAClearMessage() {
        for (String bad : new String[] {
            "[\"1\",\"2",
            "[\"1\",",
            "[1]",
            "{\"end\":true,\"rows\":",
            "{\"foo\":1}",
            "",
            "[\"a\"]x",
            "[\"\\q\"]",
            "[\"\\u12\"]",
            "{\"end\":true,\"rows\":x,\"next\":null}"
        }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RowLines.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("malformed row line"), e.getMessage());
        }
    }
}
