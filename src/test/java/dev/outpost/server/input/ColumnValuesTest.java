package dev.outpost.server.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ColumnValuesTest {
    private static BigDecimal decimal(String value) {
        return ColumnValues.decimal("n", new BigDecimal(value), 12, 2);
    }

    private static String refusal(Runnable check) {
        return assertThrows(InvalidField.class, check::run).getMessage();
    }

    @Test
    void decimalsThatFitAreGivenTheColumnsScale() {
        assertEquals(new BigDecimal("1000.00"), decimal("1e3"));
        assertEquals(new BigDecimal("1.50"), decimal("1.500000"));
        assertEquals(new BigDecimal("-9999999999.99"), decimal("-9999999999.99"));
        assertEquals(new BigDecimal("0.00"), decimal("0e-999999999"));
    }

    @Test
    void decimalsThatWouldBeRoundedOrOverflowAreRefusedWithoutExpandingThem() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertTrue(refusal(() -> decimal("1.005")).startsWith("n: has more than 2 digits"));
            assertTrue(refusal(() -> decimal("1e-999999999")).startsWith("n: has more than 2 digits"));
            assertTrue(refusal(() -> decimal("1e999999999")).startsWith("n: is too large"));
            assertTrue(refusal(() -> decimal("10000000000")).startsWith("n: is too large"));
        });
    }

    @Test
    void textsAreCountedInCharactersAndMustBeStorable() {
        assertEquals("\uD83D\uDE00\uD83D\uDE00", ColumnValues.text("t", "\uD83D\uDE00\uD83D\uDE00", 2));
        assertTrue(refusal(() -> ColumnValues.text("t", "abc", 2)).startsWith("t: is 3 characters long"));
        assertTrue(refusal(() -> ColumnValues.text("t", "a\0", 2)).contains("NUL"));
        assertTrue(refusal(() -> ColumnValues.text("t", "a\uD800", 2)).contains("unpaired"));
        assertTrue(refusal(() -> ColumnValues.text("t", "\uDE00a", 2)).contains("unpaired"));
    }

    @Test
    void datesMustHaveFourDigitYearsOfTheCommonEra() {
        assertEquals(LocalDate.of(1, 1, 1), ColumnValues.date("d", LocalDate.of(1, 1, 1)));
        refusal(() -> ColumnValues.date("d", LocalDate.of(0, 12, 31)));
        refusal(() -> ColumnValues.date("d", LocalDate.of(10000, 1, 1)));
    }
}
