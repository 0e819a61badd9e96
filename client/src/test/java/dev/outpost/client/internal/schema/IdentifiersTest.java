package dev.outpost.client.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void plainLowerCaseNamesStayUnquotedAndFoldToUpperCase() {
        assertEquals("users", Identifiers.sql("users"));
        assertEquals("created_at", Identifiers.mapping("created_at"));
        assertEquals("_tmp1", Identifiers.sql("_tmp1"));
        assertEquals("USERS", Identifiers.catalogName("users"));
    }

    @Test
    void reservedWordsAreQuotedExactly() {
        assertEquals("\"user\"", Identifiers.sql("user"));
        assertEquals("\"order\"", Identifiers.sql("order"));
        assertEquals("`from`", Identifiers.mapping("from"));
        assertEquals("user", Identifiers.catalogName("user"));
    }

    @Test
    void mixedCaseAndOtherCharactersAreQuotedExactly() {
        assertEquals("\"DisplayName\"", Identifiers.sql("DisplayName"));
        assertEquals("\"first name\"", Identifiers.sql("first name"));
        assertEquals("`DisplayName`", Identifiers.mapping("DisplayName"));
        assertEquals("DisplayName", Identifiers.catalogName("DisplayName"));
    }

    @Test
    void namesStartingWithADigitAreQuoted() {
        assertEquals("\"1st\"", Identifiers.sql("1st"));
    }

    @Test
    void namesWithQuoteCharactersAreRejected() {
        assertNull(Identifiers.problem("users"));
        assertNotNull(Identifiers.problem("a\"b"));
        assertNotNull(Identifiers.problem("a`b"));
        assertNotNull(Identifiers.problem(""));
    }
}
