package dev.outpost.server.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.problem.ProblemException;
import java.util.List;
import org.junit.jupiter.api.Test;

class PageCursorTest {

    @Test
    void aCursorRoundTripsItsKeyValues() {
        String cursor = PageCursor.encode("parent", List.of("42", "a \"quoted\" ü"));
        assertEquals(List.of("42", "a \"quoted\" ü"), PageCursor.decode(cursor, "parent", 2));
    }

    @Test
    void cursorsAreUrlSafe() {
        String cursor = PageCursor.encode("t", List.of("???>>>~~~"));
        assertEquals(cursor, java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void foreignBrokenOrMisappliedCursorsAreMalformed() {
        String forUsers = PageCursor.encode("users", List.of("1"));
        for (Runnable bad : List.<Runnable>of(
                () -> PageCursor.decode("!!!", "users", 1),
                () -> PageCursor.decode("bm90LWpzb24", "users", 1),
                () -> PageCursor.decode(forUsers, "companies", 1),
                () -> PageCursor.decode(forUsers, "users", 2),
                () -> PageCursor.decode(forUsers.substring(0, forUsers.length() - 3), "users", 1),
                () -> PageCursor.decode(
                        PageCursor.encode("users", java.util.Arrays.asList((String) null)), "users", 1))) {
            ProblemException e = assertThrows(ProblemException.class, bad::run);
            assertEquals(ProblemType.MALFORMED_CURSOR, e.type());
        }
    }
}
