package dev.outpost.server.capture;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Outpost's own tables, in the schema {@value #SCHEMA} (never synced, never in the application's
 * search path): the change log, the schema epochs and the retention horizon.
 */
public final class FeedTables {
    public static final String SCHEMA = "outpost_feed";
    public static final String CHANGE_LOG = SCHEMA + ".change_log";
    public static final String EPOCHS = SCHEMA + ".schema_epoch";
    public static final String HORIZON = SCHEMA + ".horizon";

    /** Name of the publication (per database). */
    public static final String PUBLICATION = "outpost_feed";

    /** Key of the session advisory lock held by the one capturing instance. */
    public static final long CAPTURE_LOCK = 0x6f7574706f7374L;

    private FeedTables() {}

    /**
     * The replication slot's name: slots are per cluster, so the database's name is part of it
     * ({@code outpost_feed_<database>}, reduced to the characters a slot name may have).
     */
    public static String slot(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                java.sql.ResultSet rs = st.executeQuery("select current_database()")) {
            rs.next();
            return slotName(rs.getString(1));
        }
    }

    /** The replication slot's name for the database called {@code database}. */
    static String slotName(String database) {
        String name =
                "outpost_feed_" + database.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /**
     * Runs {@code ddl} (idempotent statements creating tables of the server's schema) in one
     * transaction under the advisory lock {@code lockKey}, so that instances starting at once do not
     * race on the catalog.
     */
    public static void createUnderLock(Connection connection, long lockKey, String... ddl) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + lockKey + ")");
            st.execute("create schema if not exists " + SCHEMA);
            for (String statement : ddl) {
                st.execute(statement);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Creates the tables when missing (idempotent, safe to run from every instance). */
    public static void create(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("create schema if not exists " + SCHEMA);
            st.execute("create table if not exists " + CHANGE_LOG + " ("
                    + " position bigint primary key,"
                    + " commit_lsn pg_lsn not null,"
                    + " table_name text not null,"
                    + " op char(1) not null,"
                    + " last boolean not null,"
                    + " vals text not null,"
                    + " captured_at timestamptz not null default now())");
            // the row shape of the change's table when it was captured (added later: old rows have none)
            st.execute("alter table " + CHANGE_LOG + " add column if not exists shape text");
            // the whole row before an update or delete, under replica identity FULL (null otherwise, and
            // in rows stored before it was added): what the row filters of grants are evaluated on
            st.execute("alter table " + CHANGE_LOG + " add column if not exists old_vals text");
            st.execute("create index if not exists change_log_captured_at on " + CHANGE_LOG + " (captured_at)");
            st.execute("create table if not exists " + EPOCHS + " ("
                    + " position bigint primary key,"
                    + " schema_fingerprint text not null,"
                    + " started_at timestamptz not null default now())");
            st.execute("create table if not exists " + HORIZON + " ("
                    + " id int primary key check (id = 1),"
                    + " after_position bigint not null)");
            st.execute("insert into " + HORIZON + " values (1, 0) on conflict do nothing");
        }
    }
}
