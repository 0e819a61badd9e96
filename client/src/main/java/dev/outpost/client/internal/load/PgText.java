package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;

/**
 * Parses PostgreSQL's text output of a value ({@code value::text}) into the Java value for a replica
 * column: {@code "t"} to {@code true}, {@code "\x01ff"} to bytes, {@code "2024-01-31 12:00:00+02"} to
 * the UTC date-time {@code 2024-01-31T10:00}, and so on. {@code null} stays {@code null}.
 */
public final class PgText {
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

    /**
     * The value for a column of this kind.
     *
     * @throws IllegalArgumentException saying which text is not a valid value of which kind
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
                case DECIMAL -> new BigDecimal(text);
                case DOUBLE -> Double.valueOf(text);
                case REAL -> Float.valueOf(text);
                case BOOLEAN -> bool(text);
                case VARCHAR, CHAR, CLOB, UUID -> text;
                case DATE -> LocalDate.parse(text);
                case TIME -> LocalTime.parse(text);
                case TIMESTAMP -> LocalDateTime.parse(text, TIMESTAMP);
                case TIMESTAMP_UTC -> OffsetDateTime.parse(text, TIMESTAMPTZ)
                        .withOffsetSameInstant(ZoneOffset.UTC)
                        .toLocalDateTime();
                case BLOB -> bytes(text);
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw invalid(kind, text);
        }
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

    private static IllegalArgumentException invalid(ColumnKind kind, String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return new IllegalArgumentException(
                "not a valid " + kind.name().toLowerCase(java.util.Locale.ROOT) + " value: '" + shown + "'");
    }
}
