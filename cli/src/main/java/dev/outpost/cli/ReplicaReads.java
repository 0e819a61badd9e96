package dev.outpost.cli;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.OutpostReplica;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;

/**
 * A connection for reading the replica: through the live process that serves it ({@code sync --live
 * --serve}, {@link ServedReplica}) when its directory says one does, since that process holds the
 * replica; else the replica opened here. A served address that refuses the connection is stale (its
 * process was killed) and the replica is opened here instead.
 *
 * @param connection the connection, read-only
 * @param replica the replica opened here, or {@code null} when it is read through its live process
 */
record ReplicaReads(Connection connection, OutpostReplica replica) implements AutoCloseable {

    /**
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when the replica cannot be read, here or
     *     through its live process
     */
    static ReplicaReads open(ReplicaOptions options) {
        Optional<Properties> served = ServedReplica.find(options.replica);
        if (served.isPresent()) {
            Properties where = served.get();
            try {
                Connection c = DriverManager.getConnection(
                        where.getProperty("url"), where.getProperty("user"), where.getProperty("password"));
                try (Statement s = c.createStatement()) {
                    s.execute("set schema " + ServedReplica.SCHEMA); // the user's own schema is the default
                }
                c.setReadOnly(true);
                return new ReplicaReads(c, null);
            } catch (SQLException e) {
                if (!"08001".equals(e.getSQLState())) { // 08001: nothing listens there any more
                    throw new OutpostException(
                            ErrorCode.REPLICA_ERROR,
                            "Cannot read the replica through its live process at " + where.getProperty("url") + ": "
                                    + e.getMessage(),
                            e);
                }
            }
        }
        OutpostReplica replica = options.open();
        try {
            Connection c = replica.openConnection();
            c.setReadOnly(true);
            return new ReplicaReads(c, replica);
        } catch (SQLException e) {
            replica.close();
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "Cannot read the replica: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // nothing was written: the query's result was read in full or is dropped
        } finally {
            if (replica != null) {
                replica.close();
            }
        }
    }
}
