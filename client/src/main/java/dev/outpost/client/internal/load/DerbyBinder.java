package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Binds {@link PgText} values to insert parameters. Dates and timestamps arrive as, and are bound as,
 * Derby's own text form ({@code 2024-01-31 10:00:00.000000000}), which Derby parses into its fields when it is
 * the parameter of a date or timestamp column: no time zone and no calendar is involved, so days
 * before the Gregorian reform and daylight-saving gaps keep exactly the fields PostgreSQL sent.
 */
final class DerbyBinder {
    void bind(PreparedStatement ps, int index, ColumnKind kind, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, kind.jdbcType());
            return;
        }
        switch (kind) {
            case DATE, TIMESTAMP, TIMESTAMP_UTC -> ps.setString(index, (String) value);
            case BLOB -> ps.setBytes(index, (byte[]) value);
                // setObject(.., DECIMAL) without a scale would round to scale 0
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            default -> ps.setObject(index, value);
        }
    }
}
