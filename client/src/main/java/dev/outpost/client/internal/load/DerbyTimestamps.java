package dev.outpost.client.internal.load;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.TimeZone;

/**
 * Derby's text of dates and timestamps ({@code yyyy-mm-dd hh:mm:ss.fffffffff}), the form in which
 * values are written to and read from a replica, written by hand (a formatter was a visible share of
 * a load). Reads stored Derby {@code TIMESTAMP} values by their fields. Asked without a calendar, Derby turns
 * a stored timestamp into a {@code java.sql.Timestamp}, and into text ({@code getString}), through
 * a calendar in the JVM's time zone; in a zone with daylight saving, a time inside the spring-forward
 * gap (02:30 on the day Berlin skips from 02:00 to 03:00) does not exist there and comes back an hour
 * later. In UTC every time exists, so a UTC calendar maps the stored fields to a {@code Timestamp}
 * and back exactly (the same Julian/Gregorian calendar both ways).
 *
 * <p>Writing has the same trap: a {@code CAST} of text to TIMESTAMP and a timestamp parameter of a
 * JDBC batch (set as text, or even with a UTC calendar) both go through the JVM's zone. What keeps the
 * fields is text that Derby parses itself: the {@code TIMESTAMP()} function of a table function's
 * column or of a text parameter ({@link RowBinder#parameter}), or a text parameter of a single
 * statement.
 */
public final class DerbyTimestamps {
    /**
     * A UTC calendar per thread: Derby changes the calendar it is given while converting, and one per
     * value would be an allocation and a field computation per row of a copy or a verify.
     */
    private static final ThreadLocal<Calendar> UTC =
            ThreadLocal.withInitial(() -> new GregorianCalendar(TimeZone.getTimeZone("UTC")));

    private DerbyTimestamps() {}

    /**
     * The fields stored in timestamp column {@code i} (1-based) of the current row as Derby's text,
     * {@code yyyy-mm-dd hh:mm:ss.fffffffff}; {@code null} for NULL.
     */
    public static String text(ResultSet rs, int i) throws SQLException {
        Calendar calendar = UTC.get();
        Timestamp value = rs.getTimestamp(i, calendar);
        if (value == null) {
            return null;
        }
        calendar.setTime(value);
        StringBuilder b = new StringBuilder(29);
        pad(b, calendar.get(Calendar.YEAR), 4).append('-');
        pad(b, calendar.get(Calendar.MONTH) + 1, 2).append('-');
        pad(b, calendar.get(Calendar.DAY_OF_MONTH), 2).append(' ');
        pad(b, calendar.get(Calendar.HOUR_OF_DAY), 2).append(':');
        pad(b, calendar.get(Calendar.MINUTE), 2).append(':');
        pad(b, calendar.get(Calendar.SECOND), 2).append('.');
        return pad(b, value.getNanos(), 9).toString();
    }

    /** Derby's text of a DATE: {@code 2024-01-31}. */
    static String text(LocalDate date) {
        return appendDate(new StringBuilder(10), date).toString();
    }

    /** Derby's text of a TIMESTAMP: {@code 2024-01-31 10:00:00.000000000}. */
    static String text(LocalDateTime t) {
        StringBuilder b = appendDate(new StringBuilder(29), t.toLocalDate()).append(' ');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        return pad(b, t.getNano(), 9).toString();
    }

    private static StringBuilder appendDate(StringBuilder b, LocalDate d) {
        pad(b, d.getYear(), 4).append('-');
        pad(b, d.getMonthValue(), 2).append('-');
        return pad(b, d.getDayOfMonth(), 2);
    }

    /** Appends a non-negative number with leading zeros to {@code width} digits. */
    private static StringBuilder pad(StringBuilder b, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            b.append('0');
        }
        return b.append(digits);
    }
}
