package dev.outpost.client.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** Runs work on a Derby connection as one transaction: all of it is stored, or none. */
public final class Transactions {
    private Transactions() {}

    /** Statements run in one transaction. */
    @FunctionalInterface
    public interface Work {
        /** Runs the work with a statement of the transaction's connection. */
        void run(Statement statement) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction on {@code c}: committed when it returns, rolled back when it
     * throws. The connection's auto-commit mode is restored either way.
     */
    public static void inOne(Connection c, Work work) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            work.run(s);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }
}
