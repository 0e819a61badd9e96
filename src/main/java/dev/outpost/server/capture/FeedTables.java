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

    /** Key of the transaction advisory lock under which the server's own tables are created. */
    private static final long CREATE_LOCK = 0x6f7574706f7375L;

    public static final String CHANGE_LOG = SCHEMA + ".change_log";
    public static final String EPOCHS = SCHEMA + ".schema_epoch";
    public static final String HORIZON = SCHEMA + ".horizon";

    /**
     * The feed's newest position as one SQL expression: that of the newest stored change, or of the
     * horizon when a gap or a reset moved it past every stored change.
     */
    public static final String NEWEST_POSITION = "greatest((select coalesce(max(position), 0) from " + CHANGE_LOG
            + "), (select after_position from " + HORIZON + "))";

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
     * transaction under one advisory lock shared by every creator of the schema (the feed, the token
     * store, the fleet, the release history), so that beans and instances starting at once never race
     * on the catalog ({@code create schema if not exists} is not safe against a concurrent one).
     */
    public static void createUnderLock(Connection connection, String... ddl) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("select pg_advisory_xact_lock(" + CREATE_LOCK + ")");
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
        createUnderLock(
                connection,
                "create table if not exists " + CHANGE_LOG + " ("
                        + " position bigint primary key,"
                        + " commit_lsn pg_lsn not null,"
                        + " table_name text not null,"
                        + " op char(1) not null,"
                        + " last boolean not null,"
                        + " vals text not null,"
                        + " captured_at timestamptz not null default now())",
                // the row shape of the change's table when it was captured (added later: old rows have none)
                "alter table " + CHANGE_LOG + " add column if not exists shape text",
                // the whole row before an update or delete, under replica identity FULL (null otherwise, and
                // in rows stored before it was added): what the row filters of grants are evaluated on
                "alter table " + CHANGE_LOG + " add column if not exists old_vals text",
                "create index if not exists change_log_captured_at on " + CHANGE_LOG + " (captured_at)",
                "create table if not exists " + EPOCHS + " ("
                        + " position bigint primary key,"
                        + " schema_fingerprint text not null,"
                        + " started_at timestamptz not null default now())",
                "create table if not exists " + HORIZON + " ("
                        + " id int primary key check (id = 1),"
                        + " after_position bigint not null)",
                "insert into " + HORIZON + " values (1, 0) on conflict do nothing");
    }
}
