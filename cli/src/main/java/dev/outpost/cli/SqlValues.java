package dev.outpost.cli;

import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.util.Base64;

/**
 * A query's values as text for the CSV and JSON outputs: whole (a CLOB's full text), binary as
 * Base64, numbers without an exponent.
 */
final class SqlValues {
    private SqlValues() {}

    /** The value as text; {@code null} for SQL NULL. */
    static String text(Object value) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof Clob c) {
            return c.getSubString(1, Math.toIntExact(c.length()));
        }
        if (value instanceof Blob b) {
            return Base64.getEncoder().encodeToString(b.getBytes(1, Math.toIntExact(b.length())));
        }
        if (value instanceof byte[] b) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }
}
