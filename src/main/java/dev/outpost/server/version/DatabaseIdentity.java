package dev.outpost.server.version;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The identity of the PostgreSQL database the server reads: the cluster's system identifier (new for
 * every {@code initdb}, so for a restore into a new cluster) and the database's oid (new for a dropped
 * and recreated database, or a restore into a new one). A replica built from another identity holds
 * rows of another database and must rebuild every table, whatever the tags say.
 *
 * <p>Where the server's role may not call {@code pg_control_system()}, the identity is the oid alone:
 * still new for every recreated database, though not for a new cluster that reuses the oid.
 */
public final class DatabaseIdentity {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private DatabaseIdentity() {}

    /** The identity, as {@code systemIdentifier:databaseOid} (or {@code :databaseOid}). */
    public static String read(Connection connection) throws SQLException {
        String oid = query(connection, "select oid::text from pg_database where datname = current_database()");
        String system;
        try {
            system = query(connection, "select system_identifier::text from pg_control_system()");
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            system = "";
        }
        return system + ":" + oid;
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
