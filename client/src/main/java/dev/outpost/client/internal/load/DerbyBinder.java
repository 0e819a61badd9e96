package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * Binds {@link PgText} values to insert parameters. Dates and timestamps are bound as Derby's own
 * text form ({@code 2024-01-31 10:00:00.000000000}), which Derby parses into its fields when it is
 * the parameter of a date or timestamp column: no time zone and no calendar is involved, so days
 * before the Gregorian reform and daylight-saving gaps keep exactly the fields PostgreSQL sent.
 */
final class DerbyBinder {
    /**
     * Derby's text form of a DATE ({@code 2024-01-31}) or TIMESTAMP ({@code 2024-01-31
     * 10:00:00.000000000}) value; written by hand, as a formatter was a visible share of a load.
     */
    static String derbyText(ColumnKind kind, Object value) {
        StringBuilder b = new StringBuilder(29);
        if (kind == ColumnKind.DATE) {
            appendDate(b, (LocalDate) value);
            return b.toString();
        }
        LocalDateTime t = (LocalDateTime) value;
        appendDate(b, t.toLocalDate());
        b.append(' ');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        return pad(b, t.getNano(), 9).toString();
    }

    private static void appendDate(StringBuilder b, LocalDate d) {
        pad(b, d.getYear(), 4).append('-');
        pad(b, d.getMonthValue(), 2).append('-');
        pad(b, d.getDayOfMonth(), 2);
    }

    /** Appends a non-negative number with leading zeros to {@code width} digits. */
    static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }

    void bind(PreparedStatement ps, int index, ColumnKind kind, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, kind.jdbcType());
            return;
        }
        switch (kind) {
            case DATE, TIMESTAMP, TIMESTAMP_UTC -> ps.setString(index, derbyText(kind, value));
            case BLOB -> ps.setBytes(index, (byte[]) value);
                // setObject(.., DECIMAL) without a scale would round to scale 0
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            default -> ps.setObject(index, value);
        }
    }
}
