package dev.outpost.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class RowDigestTest {
    @Test
    void ignoresRowOrderButCountsDuplicates() {
        RowDigest ab = digest(new String[] {"a", null}, new String[] {"b", "1"});
        RowDigest ba = digest(new String[] {"b", "1"}, new String[] {"a", null});
        assertEquals(ab.hex(), ba.hex());
        assertEquals(2, ab.rows());
        RowDigest aa = digest(new String[] {"a", null}, new String[] {"a", null});
        assertNotEquals(digest().hex(), aa.hex(), "equal rows do not cancel out");
        assertEquals(64, aa.hex().length());
    }

    @Test
    void tellsNullFromTheWordNullAndFromEmpty() {
        assertNotEquals(
                digest(new String[] {null}).hex(), digest(new String[] {"null"}).hex());
        assertNotEquals(
                digest(new String[] {null}).hex(), digest(new String[] {""}).hex());
    }

    @Test
    void spellsFloatsTheJavaWay() {
        assertEquals("1.5E300", RowDigest.canonical("float8", "1.5e+300"));
        assertEquals("0.1", RowDigest.canonical("float4", "0.1"));
        assertEquals("NaN", RowDigest.canonical("float8", "NaN"));
        assertEquals("1.50", RowDigest.canonical("numeric", "1.50"));
    }

    private static RowDigest digest(String[]... rows) {
        RowDigest d = new RowDigest();
        for (String[] row : rows) {
            d.add(row);
        }
        return d;
    }
}
