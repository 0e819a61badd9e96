package dev.outpost.client.internal.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class PgTextTest {
    @Test
    void parsesNumbers() {
        assertEquals(42L, PgText.parse(ColumnKind.BIGINT, "42"));
        assertEquals(-7, PgText.parse(ColumnKind.INTEGER, "-7"));
        assertEquals((short) 3, PgText.parse(ColumnKind.SMALLINT, "3"));
        assertEquals(new BigDecimal("12.50"), PgText.parse(ColumnKind.DECIMAL, "12.50"));
        assertEquals(1.5e300, PgText.parse(ColumnKind.DOUBLE, "1.5e+300"));
        assertEquals(0.25f, PgText.parse(ColumnKind.REAL, "0.25"));
    }

    @Test
    void parsesBooleansAndText() {
        assertEquals(true, PgText.parse(ColumnKind.BOOLEAN, "t"));
        assertEquals(false, PgText.parse(ColumnKind.BOOLEAN, "f"));
        assertEquals("abc", PgText.parse(ColumnKind.VARCHAR, "abc"));
        assertEquals("{\"a\": 1}", PgText.parse(ColumnKind.CLOB, "{\"a\": 1}"));
        assertEquals(
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                PgText.parse(ColumnKind.UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    }

    @Test
    void parsesDatesAndTimes() {
        assertEquals(DerbyTimestamps.text(LocalDate.of(2024, 1, 31)), PgText.parse(ColumnKind.DATE, "2024-01-31"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 12, 0)),
                PgText.parse(ColumnKind.TIMESTAMP, "2024-01-31 12:00:00"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 12, 0, 0, 123_456_000)),
                PgText.parse(ColumnKind.TIMESTAMP, "2024-01-31 12:00:00.123456"));
    }

    @Test
    void convertsTimestamptzWithAnyOffsetToUtc() {
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 10, 0)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "2024-01-31 12:00:00+02"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 6, 30)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "2024-01-31 12:00:00+05:30"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 12, 0, 0, 500_000_000)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "2024-01-31 12:00:00.5+00"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 2, 1, 2, 0)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "2024-01-31 21:00:00-05"));
    }

    @Test
    void readsTheCommonFormsWithoutAFormatterAsTheGeneralParserDoes() {
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 12, 0, 0, 120_000_000)),
                PgText.parse(ColumnKind.TIMESTAMP, "2024-01-31 12:00:00.12"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2024, 1, 31, 12, 0, 0, 123_456_000)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "2024-01-31 12:00:00.123456+00"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(1900, 1, 1, 0, 0, 0)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "1900-01-01 00:09:21+00:09:21"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(2023, 12, 31, 23, 0)),
                PgText.parse(ColumnKind.TIMESTAMP_UTC, "2024-01-01 08:00:00+09"));
        assertEquals(DerbyTimestamps.text(LocalDate.of(1, 1, 1)), PgText.parse(ColumnKind.DATE, "0001-01-01"));
        assertBad(ColumnKind.TIMESTAMP, "2024-02-30 00:00:00", "not a valid timestamp value");
        assertBad(ColumnKind.TIMESTAMP, "2024-01-31 25:00:00", "not a valid timestamp value");
        assertBad(ColumnKind.TIMESTAMP_UTC, "2024-01-31 12:00:00+0", "not a valid timestamp_utc value");
        assertBad(ColumnKind.TIMESTAMP_UTC, "9999-12-31 23:00:00-05", "Derby's timestamp_utc cannot hold");
        assertBad(ColumnKind.DATE, "2024-1-31", "not a valid date value");
    }

    @Test
    void writesDerbysTextForm() {
        assertEquals("2024-01-31", DerbyTimestamps.text(LocalDate.of(2024, 1, 31)));
        assertEquals(
                "0044-03-05 07:08:09.000120000", DerbyTimestamps.text(LocalDateTime.of(44, 3, 5, 7, 8, 9, 120_000)));
    }

    @Test
    void decodesByteaHex() {
        assertArrayEquals(new byte[] {1, 2, (byte) 0xff}, (byte[]) PgText.parse(ColumnKind.BLOB, "\\x0102ff"));
        assertArrayEquals(new byte[0], (byte[]) PgText.parse(ColumnKind.BLOB, "\\x"));
    }

    @Test
    void keepsNulls() {
        for (ColumnKind kind : ColumnKind.values()) {
            assertNull(PgText.parse(kind, null));
        }
    }

    @Test
    void rejectsBadInputClearly() {
        assertBad(ColumnKind.BIGINT, "12x", "not a valid bigint value: '12x'");
        assertBad(ColumnKind.BOOLEAN, "yes", "not a valid boolean value: 'yes'");
        assertBad(ColumnKind.DATE, "2024-02-30", "not a valid date value: '2024-02-30'");
        assertBad(ColumnKind.TIMESTAMP_UTC, "2024-01-31 12:00:00", "not a valid timestamp_utc value");
        assertBad(ColumnKind.BLOB, "0102", "not a valid blob value");
        assertBad(ColumnKind.BLOB, "\\x0g", "not a valid blob value");
    }

    @Test
    void storesTimestampInfinitiesAsValuesPostgresCannotProduce() {
        assertEquals(PgText.INFINITY, PgText.parse(ColumnKind.TIMESTAMP, "infinity"));
        assertEquals(PgText.MINUS_INFINITY, PgText.parse(ColumnKind.TIMESTAMP_UTC, "-infinity"));
        assertEquals(
                DerbyTimestamps.text(LocalDateTime.of(1, 1, 1, 0, 0)),
                PgText.parse(ColumnKind.TIMESTAMP, "0001-01-01 00:00:00"));
    }

    @Test
    void refusesValuesDerbyCannotHoldNamingThem() {
        assertBad(ColumnKind.DOUBLE, "NaN", "'NaN', a value Derby's double cannot hold");
        assertBad(ColumnKind.REAL, "-Infinity", "'-Infinity', a value Derby's real cannot hold");
        assertBad(ColumnKind.DECIMAL, "NaN", "'NaN', a value Derby's decimal cannot hold");
        assertBad(ColumnKind.DATE, "infinity", "'infinity', a value Derby's date cannot hold");
        assertBad(ColumnKind.DATE, "0044-03-15 BC", "'0044-03-15 BC', a value Derby's date cannot hold");
        assertBad(ColumnKind.TIMESTAMP, "10000-01-01 00:00:00", "Derby's timestamp cannot hold");
        assertBad(ColumnKind.DATE, "1582-10-05", "Derby's date cannot hold");
        assertBad(ColumnKind.TIMESTAMP_UTC, "1582-10-14 23:00:00+00", "Derby's timestamp_utc cannot hold");
        assertEquals(DerbyTimestamps.text(LocalDate.of(1582, 10, 4)), PgText.parse(ColumnKind.DATE, "1582-10-04"));
        assertBad(ColumnKind.DOUBLE, "-0", "'-0', a value Derby's double cannot hold"); // Derby stores 0
        assertBad(ColumnKind.REAL, "-0", "'-0', a value Derby's real cannot hold");
        assertEquals(0.0, PgText.parse(ColumnKind.DOUBLE, "0"));
        assertEquals(4.9e-324, PgText.parse(ColumnKind.DOUBLE, "4.9e-324"));
    }

    private static void assertBad(ColumnKind kind, String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PgText.parse(kind, text));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
