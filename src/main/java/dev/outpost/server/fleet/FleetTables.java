package dev.outpost.server.fleet;

import dev.outpost.server.capture.FeedTables;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The fleet's tables, in the server's own schema ({@value FeedTables#SCHEMA}). */
final class FleetTables {
    static final String REPLICAS = FeedTables.SCHEMA + ".replicas";
    static final String SYNCS = FeedTables.SCHEMA + ".replica_syncs";

    /** Key of the transaction advisory lock that serialises creating the tables across instances. */
    private static final long CREATE_LOCK = 0x6f7574666c656574L;

    private FleetTables() {}

    /** Creates the tables when missing (idempotent, safe to run from every instance at once). */
    static void create(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + CREATE_LOCK + ")");
            st.execute("create schema if not exists " + FeedTables.SCHEMA);
            st.execute("create table if not exists " + REPLICAS + " ("
                    + " id uuid primary key,"
                    + " token_id bigint,"
                    + " token_name text not null,"
                    + " client_version text,"
                    + " first_seen timestamptz not null,"
                    + " last_seen timestamptz not null,"
                    + " position bigint,"
                    + " tag text,"
                    + " schema_fingerprint text,"
                    + " last_outcome text,"
                    + " last_error_code text,"
                    + " last_error text,"
                    + " last_sync_at timestamptz)");
            st.execute("create index if not exists replicas_last_seen on " + REPLICAS + " (last_seen)");
            st.execute("create table if not exists " + SYNCS + " ("
                    + " id bigint generated always as identity primary key,"
                    + " replica_id uuid not null references " + REPLICAS + " on delete cascade,"
                    + " at timestamptz not null,"
                    + " report text not null)");
            st.execute("create index if not exists replica_syncs_replica on " + SYNCS + " (replica_id, id)");
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
