package dev.outpost.client.internal.verify;

import dev.outpost.client.internal.load.DerbyTimestamps;
import dev.outpost.client.internal.load.PgText;
import dev.outpost.client.internal.schema.ColumnKind;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * Rebuilds the canonical text ({@link dev.outpost.protocol.RowDigest#canonical}) of a value from the
 * Derby column that holds it: the inverse of {@link PgText}. Dates are read as Derby's text, and
 * timestamps by their stored fields ({@link DerbyTimestamps}), so the JVM's time zone plays no part.
 */
final class DerbyText {
    private static final String MAX = "9999-12-31 23:59:59";
    private static final String MIN = "0001-01-01 00:00:00";

    private DerbyText() {}

    /** The canonical text of column {@code i} (1-based) of the current row, {@code null} for NULL. */
    static String of(ResultSet rs, int i, ColumnKind kind) throws SQLException {
        Object value = rs.getObject(i);
        if (value == null) {
            return null;
        }
        return switch (kind) {
            case BIGINT, INTEGER, SMALLINT, BOOLEAN, VARCHAR, UUID -> value.toString();
            case DOUBLE -> Double.toString(((Number) value).doubleValue());
            case REAL -> Float.toString(((Number) value).floatValue());
            case DECIMAL -> ((BigDecimal) value).toPlainString();
            case CLOB -> clob((Clob) value);
            case DATE -> rs.getString(i);
            case TIMESTAMP -> timestamp(DerbyTimestamps.text(rs, i));
            case TIMESTAMP_UTC -> {
                String text = timestamp(DerbyTimestamps.text(rs, i));
                yield text.endsWith("infinity") ? text : text + "+00";
            }
            case BLOB -> "\\x" + HexFormat.of().formatHex(blob((Blob) value));
        };
    }

    /** Derby's {@code yyyy-mm-dd hh:mm:ss[.f…]} as PostgreSQL writes it: microseconds, no trailing zeros. */
    private static String timestamp(String derby) {
        int dot = derby.indexOf('.');
        String seconds = dot < 0 ? derby : derby.substring(0, dot);
        String nanos = ((dot < 0 ? "" : derby.substring(dot + 1)) + "000000000").substring(0, 9);
        if (seconds.equals(MAX) && nanos.equals("999999999")) {
            return "infinity"; // PgText.INFINITY
        }
        if (seconds.equals(MIN) && nanos.equals("000000001")) {
            return "-infinity"; // PgText.MINUS_INFINITY
        }
        String micros = nanos.substring(0, 6).replaceAll("0+$", "");
        return micros.isEmpty() ? seconds : seconds + "." + micros;
    }

    private static String clob(Clob clob) throws SQLException {
        try (Reader r = clob.getCharacterStream()) {
            StringBuilder b = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = r.read(buf)) > 0; ) {
                b.append(buf, 0, n);
            }
            return b.toString();
        } catch (IOException e) {
            throw new SQLException("cannot read a CLOB", e);
        }
    }

    private static byte[] blob(Blob blob) throws SQLException {
        return blob.getBytes(1, (int) blob.length());
    }
}
