package dev.outpost.server.input;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;

/**
 * Checks that a value is stored by PostgreSQL exactly as given: texts fit {@code varchar(n)} in
 * characters and hold no NUL or unpaired surrogate (PostgreSQL cannot store the first, the driver
 * would replace the second), numbers fit {@code numeric(p,s)} without rounding, dates fit the range
 * this API accepts. Each check returns the value to store or throws an {@link InvalidField}.
 */
final class ColumnValues {
    /** Dates are limited to four-digit years of the common era, which every client and driver handles alike. */
    static final LocalDate MIN_DATE = LocalDate.of(1, 1, 1);

    static final LocalDate MAX_DATE = LocalDate.of(9999, 12, 31);

    private ColumnValues() {}

    /** The text, if it fits a column of at most {@code maxLength} characters. */
    static String text(String field, String value, int maxLength) {
        int length = 0;
        for (int i = 0; i < value.length(); i++, length++) {
            char c = value.charAt(i);
            if (c == '\0') {
                throw new InvalidField(field, "contains a NUL character, which cannot be stored");
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidField(field, "contains an unpaired UTF-16 surrogate, which is not a character");
            }
        }
        if (length > maxLength) {
            throw new InvalidField(field, "is " + length + " characters long; at most " + maxLength + " are allowed");
        }
        return value;
    }

    /**
     * The number with the column's scale, if it has at most {@code scale} digits after the point
     * (trailing zeros aside) and at most {@code precision - scale} before it. Works on the digits and
     * the exponent, so that {@code 1e999999999} is refused without being expanded.
     */
    static BigDecimal decimal(String field, BigDecimal value, int precision, int scale) {
        if (value.signum() == 0) {
            return BigDecimal.ZERO.setScale(scale);
        }
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > precision - scale) {
            throw new InvalidField(
                    field, "is too large: at most " + (precision - scale) + " digits before the decimal point");
        }
        // a non-zero number with more fraction digits than digits has no trailing zeros to drop
        if ((long) value.scale() - scale >= value.precision()) {
            throw new InvalidField(field, tooPrecise(scale));
        }
        try {
            return value.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new InvalidField(field, tooPrecise(scale));
        }
    }

    private static String tooPrecise(int scale) {
        return "has more than " + scale + " digits after the decimal point; it would be rounded";
    }

    /** The date, if it lies between {@link #MIN_DATE} and {@link #MAX_DATE}. */
    static LocalDate date(String field, LocalDate value) {
        if (value.isBefore(MIN_DATE) || value.isAfter(MAX_DATE)) {
            throw new InvalidField(field, "must lie between " + MIN_DATE + " and " + MAX_DATE);
        }
        return value;
    }
}
