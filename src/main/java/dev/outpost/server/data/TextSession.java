package dev.outpost.server.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The session settings that fix PostgreSQL's text form of values for the wire: UTC, ISO dates,
 * {@code postgres} intervals, hex {@code bytea}, shortest exact floats. Rows and digests use it alike.
 */
final class TextSession {
    private TextSession() {}

    /** Starts a transaction (needed for a server-side cursor) with the settings local to it. */
    static void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement session = connection.createStatement()) {
            session.execute("set local time zone 'UTC'");
            session.execute("set local datestyle = 'ISO, YMD'");
            session.execute("set local intervalstyle = 'postgres'");
            session.execute("set local bytea_output = 'hex'");
            session.execute("set local extra_float_digits = 1");
        }
    }
}
