package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Parses PostgreSQL's text output of a value ({@code value::text}) into the value Derby takes for a
 * replica column: {@code "t"} to {@code true}, {@code "\x01ff"} to bytes, and dates and timestamps to
 * Derby's own text ({@link DerbyTimestamps}), {@code "2024-01-31 12:00:00+02"} to the UTC {@code
 * "2024-01-31 10:00:00.000000000"}. A date or timestamp in its usual form is checked and rewritten
 * as text, never built as an object and written out again. {@code null} stays {@code null}.
 *
 * <p>Values a Derby column cannot hold are refused ({@link Unrepresentable}, naming the value; the
 * loaders then quarantine it): NaN and infinities in DOUBLE, REAL and DECIMAL columns, {@code -0} in
 * DOUBLE and REAL (Derby stores it as {@code 0}), dates before year 1 or after 9999, and the ten days
 * 5 to 14 October 1582 that Derby's Julian-Gregorian calendar skips. Timestamps
 * {@code infinity} and {@code -infinity} are stored as {@link #INFINITY} and {@link
 * #MINUS_INFINITY}, values PostgreSQL itself cannot produce (it stops at microseconds).
 */
public final class PgText {
    /** How a timestamp {@code infinity} is stored: Derby's last nanosecond. */
    public static final String INFINITY = "9999-12-31 23:59:59.999999999";

    /** How a timestamp {@code -infinity} is stored: one nanosecond into Derby's first day. */
    public static final String MINUS_INFINITY = "0001-01-01 00:00:00.000000001";

    private static final LocalDate GAP_FIRST = LocalDate.of(1582, 10, 5);
    private static final LocalDate GAP_LAST = LocalDate.of(1582, 10, 14);

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral(' ')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();

    private static final DateTimeFormatter TIMESTAMPTZ = new DateTimeFormatterBuilder()
            .append(TIMESTAMP)
            .appendOffset("+HH:mm:ss", "Z")
            .toFormatter();

    private PgText() {}

    /** A valid PostgreSQL value that the Derby column cannot hold (the schema maps, the value does not). */
    public static final class Unrepresentable extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Unrepresentable(String message) {
            super(message);
        }
    }

    /**
     * The value for a column of this kind.
     *
     * @throws IllegalArgumentException saying which text is not a valid value of which kind, or which
     *     value Derby cannot hold
     */
    public static Object parse(ColumnKind kind, String text) {
        if (text == null) {
            return null;
        }
        try {
            return switch (kind) {
                case BIGINT -> Long.valueOf(text);
                case INTEGER -> Integer.valueOf(text);
                case SMALLINT -> Short.valueOf(text);
                case DECIMAL -> new BigDecimal(finite(kind, text));
                case DOUBLE -> {
                    Double value = Double.valueOf(finite(kind, text));
                    yield value == 0 ? signedZero(kind, text, value) : value;
                }
                case REAL -> {
                    Float value = Float.valueOf(finite(kind, text));
                    yield value == 0 ? signedZero(kind, text, value) : value;
                }
                case BOOLEAN -> bool(text);
                case VARCHAR, CLOB, UUID -> text;
                case DATE -> date(text);
                case TIMESTAMP -> timestamp(text, false);
                case TIMESTAMP_UTC -> timestamp(text, true);
                case BLOB -> bytes(text);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid(kind, text);
        }
    }

    /** A date as Derby's text: the text itself in its usual form, once checked. */
    private static String date(String text) {
        if (text.length() == 10 && dateShape(text)) {
            try {
                notInCalendarGap(
                        ColumnKind.DATE,
                        text,
                        LocalDate.of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2)));
                return text;
            } catch (DateTimeException e) {
                throw invalid(ColumnKind.DATE, text);
            }
        }
        LocalDate date = LocalDate.parse(inDerbyRange(ColumnKind.DATE, text));
        return DerbyTimestamps.text(notInCalendarGap(ColumnKind.DATE, text, date));
    }

    private static String timestamp(String text, boolean utc) {
        String fast = fastTimestamp(text, utc);
        if (fast != null) {
            return fast;
        }
        return switch (text) {
            case "infinity" -> INFINITY;
            case "-infinity" -> MINUS_INFINITY;
            default -> {
                ColumnKind kind = utc ? ColumnKind.TIMESTAMP_UTC : ColumnKind.TIMESTAMP;
                LocalDateTime value = utc
                        ? OffsetDateTime.parse(inDerbyRange(kind, text), TIMESTAMPTZ)
                                .withOffsetSameInstant(ZoneOffset.UTC)
                                .toLocalDateTime()
                        : LocalDateTime.parse(inDerbyRange(kind, text), TIMESTAMP);
                notInCalendarGap(kind, text, value.toLocalDate());
                yield DerbyTimestamps.text(value);
            }
        };
    }

    /**
     * The common forms, read without {@link DateTimeFormatter} (which dominated a load's profile):
     * {@code 2024-01-31 12:00:00[.123456]} and, for {@code timestamptz}, an offset {@code +HH},
     * {@code +HH:MM} or {@code +HH:MM:SS}, as Derby's text: the fields are checked, and without an
     * offset to apply (always, from a server whose session is in UTC) the text is rewritten as it is.
     * {@code null} for any other form (BC, years beyond 9999, infinities), which the general parser
     * then handles.
     */
    private static String fastTimestamp(String text, boolean utc) {
        int n = text.length();
        if (n < 19
                || !dateShape(text)
                || text.charAt(10) != ' '
                || !isDigits(text, 11, 2)
                || text.charAt(13) != ':'
                || !isDigits(text, 14, 2)
                || text.charAt(16) != ':'
                || !isDigits(text, 17, 2)) {
            return null;
        }
        int pos = 19;
        int nanos = 0;
        int fractionStart = pos;
        if (pos < n && text.charAt(pos) == '.') {
            int start = ++pos;
            fractionStart = start;
            while (pos < n && pos - start < 9 && isDigit(text.charAt(pos))) {
                nanos = nanos * 10 + (text.charAt(pos++) - '0');
            }
            if (pos == start) {
                return null;
            }
            for (int i = pos - start; i < 9; i++) {
                nanos *= 10;
            }
        }
        int fractionEnd = pos;
        int offsetSeconds = 0;
        if (utc) {
            if (pos + 3 > n || (text.charAt(pos) != '+' && text.charAt(pos) != '-') || !isDigits(text, pos + 1, 2)) {
                return null;
            }
            int sign = text.charAt(pos) == '-' ? -1 : 1;
            offsetSeconds = digits(text, pos + 1, 2) * 3600;
            pos += 3;
            for (int unit = 60; pos < n && unit >= 1; unit /= 60) {
                if (pos + 3 > n || text.charAt(pos) != ':' || !isDigits(text, pos + 1, 2)) {
                    return null;
                }
                offsetSeconds += digits(text, pos + 1, 2) * unit;
                pos += 3;
            }
            offsetSeconds *= sign;
        }
        if (pos != n) {
            return null;
        }
        ColumnKind kind = utc ? ColumnKind.TIMESTAMP_UTC : ColumnKind.TIMESTAMP;
        LocalDateTime value;
        try {
            value = LocalDateTime.of(
                    digits(text, 0, 4),
                    digits(text, 5, 2),
                    digits(text, 8, 2),
                    digits(text, 11, 2),
                    digits(text, 14, 2),
                    digits(text, 17, 2),
                    nanos);
        } catch (DateTimeException e) {
            throw invalid(kind, text);
        }
        if (offsetSeconds == 0) {
            notInCalendarGap(kind, text, value.toLocalDate());
            return derbyTimestamp(text, fractionStart, fractionEnd);
        }
        value = value.minusSeconds(offsetSeconds);
        if (value.getYear() < 1 || value.getYear() > 9999) {
            throw cannotHold(kind, text);
        }
        notInCalendarGap(kind, text, value.toLocalDate());
        return DerbyTimestamps.text(value);
    }

    /** {@code yyyy-mm-dd hh:mm:ss} of the text, then its fraction digits padded to nine. */
    private static String derbyTimestamp(String text, int fractionStart, int fractionEnd) {
        StringBuilder b =
                new StringBuilder(29).append(text, 0, 19).append('.').append(text, fractionStart, fractionEnd);
        for (int i = fractionEnd - fractionStart; i < 9; i++) {
            b.append('0');
        }
        return b.toString();
    }

    /** {@code dddd-dd-dd} at the start. */
    private static boolean dateShape(String text) {
        return isDigits(text, 0, 4)
                && text.charAt(4) == '-'
                && isDigits(text, 5, 2)
                && text.charAt(7) == '-'
                && isDigits(text, 8, 2);
    }

    private static boolean isDigits(String text, int from, int count) {
        if (from + count > text.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char ch) {
        return ch >= '0' && ch <= '9';
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return value;
    }

    /**
     * Derby's calendar is Julian before 15 October 1582 and has no 5 to 14 October 1582 (it would
     * store the 15th to the 24th); PostgreSQL's proleptic Gregorian calendar has them.
     */
    private static LocalDate notInCalendarGap(ColumnKind kind, String text, LocalDate date) {
        if (!date.isBefore(GAP_FIRST) && !date.isAfter(GAP_LAST)) {
            throw cannotHold(kind, text);
        }
        return date;
    }

    /** PostgreSQL writes NaN and infinities as words, never as digits. */
    private static String finite(ColumnKind kind, String text) {
        if (text.endsWith("NaN") || text.endsWith("Infinity")) {
            throw cannotHold(kind, text);
        }
        return text;
    }

    /** Derby stores {@code -0} in DOUBLE and REAL as {@code 0}: a different PostgreSQL value. */
    private static <T extends Number> T signedZero(ColumnKind kind, String text, T zero) {
        if (text.startsWith("-")) {
            throw cannotHold(kind, text);
        }
        return zero;
    }

    /** Derby's dates run from year 1 to 9999; PostgreSQL writes BC dates and years above 9999 too. */
    private static String inDerbyRange(ColumnKind kind, String text) {
        if (text.endsWith(" BC") || text.indexOf('-') != 4 || text.endsWith("infinity")) {
            throw cannotHold(kind, text);
        }
        return text;
    }

    private static Boolean bool(String text) {
        return switch (text) {
            case "t", "true" -> Boolean.TRUE;
            case "f", "false" -> Boolean.FALSE;
            default -> throw invalid(ColumnKind.BOOLEAN, text);
        };
    }

    private static byte[] bytes(String text) {
        if (!text.startsWith("\\x")) {
            throw invalid(ColumnKind.BLOB, text);
        }
        try {
            return HexFormat.of().parseHex(text, 2, text.length());
        } catch (IllegalArgumentException e) {
            throw invalid(ColumnKind.BLOB, text);
        }
    }

    private static Unrepresentable cannotHold(ColumnKind kind, String text) {
        return new Unrepresentable(
                "'" + text + "', a value Derby's " + kind.name().toLowerCase(Locale.ROOT) + " cannot hold");
    }

    private static IllegalArgumentException invalid(ColumnKind kind, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new IllegalArgumentException(
                "not a valid " + kind.name().toLowerCase(Locale.ROOT) + " value: '" + shown + "'");
    }
}
