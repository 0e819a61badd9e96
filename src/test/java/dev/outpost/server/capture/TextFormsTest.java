package dev.outpost.server.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class TextFormsTest {
    @Test
    void aHostAddressGetsTheMaskItsCastToTextWrites() {
        assertEquals("10.0.0.1/32", TextForms.inet("10.0.0.1"));
        assertEquals("::1/128", TextForms.inet("::1"));
        assertEquals("::ffff:1.2.3.4/128", TextForms.inet("::ffff:1.2.3.4"));
        assertEquals("10.0.0.0/8", TextForms.inet("10.0.0.0/8"));
        assertEquals("10.0.0.1/32", TextForms.inet("10.0.0.1/32"), "idempotent");
        assertNull(TextForms.inet(null));
    }

    @Test
    void paddedCharactersLoseTheirTrailingSpacesOnly() {
        assertEquals("ab", TextForms.stripTrailingSpaces("ab   "));
        assertEquals(" a b", TextForms.stripTrailingSpaces(" a b "));
        assertEquals("", TextForms.stripTrailingSpaces("     "));
        assertEquals("ab\t", TextForms.stripTrailingSpaces("ab\t"));
        assertNull(TextForms.stripTrailingSpaces(null));
    }
}
