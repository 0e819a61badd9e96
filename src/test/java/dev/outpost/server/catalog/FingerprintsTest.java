package dev.outpost.server.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.outpost.protocol.ColumnSchema;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    @Test
    void fingerprintsAreStableAndSeparateTheirParts() {
        assertEquals(Fingerprints.of("a", "b"), Fingerprints.of("a", "b"));
        assertEquals(32, Fingerprints.of("a").length());
        assertNotEquals(Fingerprints.of("ab", "c"), Fingerprints.of("a", "bc"));
        assertNotEquals(Fingerprints.of((String) null), Fingerprints.of(""));
    }

    @Test
    void typmodDecodesLengthsAndNumericPrecision() {
        assertEquals(
                new ColumnSchema("v", "varchar", 40, null, null, true),
                PostgresCatalogReader.column("v", "varchar", 44, true));
        assertEquals(
                new ColumnSchema("v", "varchar", null, null, null, true),
                PostgresCatalogReader.column("v", "varchar", -1, true));
        assertEquals(
                new ColumnSchema("n", "numeric", null, 12, 2, false),
                PostgresCatalogReader.column("n", "numeric", (12 << 16) + 2 + 4, false));
        assertEquals(
                new ColumnSchema("n", "numeric", null, null, null, false),
                PostgresCatalogReader.column("n", "numeric", -1, false));
        assertEquals(
                new ColumnSchema("i", "int8", null, null, null, false),
                PostgresCatalogReader.column("i", "int8", -1, false));
    }
}
