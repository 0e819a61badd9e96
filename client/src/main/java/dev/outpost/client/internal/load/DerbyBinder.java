package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.TimeZone;

/**
 * Binds {@link PgText} values to insert parameters. Dates and times are bound through a UTC calendar,
 * so Derby stores exactly the given fields whatever the JVM's time zone (no daylight-saving gaps).
 * One instance per loading thread (a {@link Calendar} is not thread-safe).
 */
final class DerbyBinder {
    private final Calendar utc = Calendar.getInstance(TimeZone.getTimeZone(ZoneOffset.UTC));

    void bind(PreparedStatement ps, int index, ColumnKind kind, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, kind.jdbcType());
            return;
        }
        switch (kind) {
            case DATE -> ps.setDate(index, new Date(epochMillis(((LocalDate) value).atStartOfDay())), utc);
            case TIME -> ps.setTime(index, new Time(epochMillis(((LocalTime) value).atDate(LocalDate.EPOCH))), utc);
            case TIMESTAMP, TIMESTAMP_UTC -> ps.setTimestamp(
                    index, Timestamp.from(((LocalDateTime) value).toInstant(ZoneOffset.UTC)), utc);
            case BLOB -> ps.setBytes(index, (byte[]) value);
                // setObject(.., DECIMAL) without a scale would round to scale 0
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            default -> ps.setObject(index, value);
        }
    }

    private static long epochMillis(LocalDateTime dateTime) {
        return dateTime.toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
