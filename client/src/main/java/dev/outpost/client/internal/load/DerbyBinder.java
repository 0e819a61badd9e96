package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Binds {@link PgText} values to insert parameters. Dates and timestamps are bound as Derby's own
 * text form ({@code 2024-01-31 10:00:00.000000000}), which Derby reads field by field: no time zone
 * and no calendar is involved, so days before the Gregorian reform and daylight-saving gaps keep
 * exactly the fields PostgreSQL sent.
 */
final class DerbyBinder {
    private static final DateTimeFormatter DERBY_TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSSSS");

    void bind(PreparedStatement ps, int index, ColumnKind kind, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, kind.jdbcType());
            return;
        }
        switch (kind) {
            case DATE -> ps.setString(index, ((LocalDate) value).format(DateTimeFormatter.ISO_LOCAL_DATE));
            case TIMESTAMP, TIMESTAMP_UTC -> ps.setString(index, ((LocalDateTime) value).format(DERBY_TIMESTAMP));
            case BLOB -> ps.setBytes(index, (byte[]) value);
                // setObject(.., DECIMAL) without a scale would round to scale 0
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            default -> ps.setObject(index, value);
        }
    }
}
