package dev.outpost.server.fleet;

import dev.outpost.server.capture.FeedTables;
import java.sql.Connection;
import java.sql.SQLException;

/** The fleet's tables, in the server's own schema ({@value FeedTables#SCHEMA}). */
final class FleetTables {
    static final String SCHEMA_PREFIX = FeedTables.SCHEMA + ".";
    static final String REPLICAS = SCHEMA_PREFIX + "replicas";
    static final String SYNCS = FeedTables.SCHEMA + ".replica_syncs";

    private FleetTables() {}

    /** Creates the tables when missing (idempotent, safe to run from every instance at once). */
    static void create(Connection connection) throws SQLException {
        FeedTables.createUnderLock(
                connection,
                "create table if not exists " + REPLICAS + " ("
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
                        + " last_sync_at timestamptz)",
                "create index if not exists replicas_last_seen on " + REPLICAS + " (last_seen)",
                "create table if not exists " + SYNCS + " ("
                        + " id bigint generated always as identity primary key,"
                        + " replica_id uuid not null references " + REPLICAS + " on delete cascade,"
                        + " at timestamptz not null,"
                        + " report text not null)",
                "create index if not exists replica_syncs_replica on " + SYNCS + " (replica_id, id)",
                FleetSamples.createTable());
    }
}
