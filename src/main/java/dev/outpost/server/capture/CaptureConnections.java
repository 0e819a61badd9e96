package dev.outpost.server.capture;

import dev.outpost.server.config.DatabaseSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;

/**
 * Connections of the capturer, made with the driver directly: a replication connection cannot come
 * from the container's pool, and the advisory lock needs one session for the capturer's lifetime.
 * Every session uses the same text forms as the data endpoint (UTC, ISO dates, hex bytea).
 *
 * @param jdbcUrl {@code jdbc:postgresql://host:port/db}
 */
public record CaptureConnections(String jdbcUrl, String user, String password) {
    private static final String SESSION_OPTIONS = "-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres"
            + " -c extra_float_digits=1 -c bytea_output=hex";

    /** Connections to the PostgreSQL the WAR's datasource uses. */
    public static CaptureConnections of(DatabaseSettings database) {
        return new CaptureConnections(database.jdbcUrl(), database.user(), database.password());
    }

    Connection open() throws SQLException {
        return connect(false);
    }

    Connection openReplication() throws SQLException {
        return connect(true);
    }

    /** The application name of the replication connection, followed by the instance: see {@link #INSTANCE}. */
    public static final String STREAM_NAME = "outpost-capture-stream";

    /**
     * This server instance as PostgreSQL's {@code application_name} shows it ({@code pid@host}, at most
     * 40 characters), so an operator sees which instance captures.
     */
    static final String INSTANCE = instance();

    private static String instance() {
        String name = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
        return name.length() > 40 ? name.substring(0, 40) : name;
    }

    private Connection connect(boolean replication) throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, user);
        PGProperty.PASSWORD.set(props, password);
        PGProperty.OPTIONS.set(props, SESSION_OPTIONS);
        PGProperty.APPLICATION_NAME.set(props, (replication ? STREAM_NAME + " " : "outpost-capture ") + INSTANCE);
        if (replication) {
            PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
            PGProperty.REPLICATION.set(props, "database");
            PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        }
        Connection connection = new Driver().connect(jdbcUrl, props);
        if (connection == null) {
            throw new SQLException("not a PostgreSQL URL: " + jdbcUrl);
        }
        return connection;
    }
}
