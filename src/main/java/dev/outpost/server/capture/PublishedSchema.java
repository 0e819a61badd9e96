package dev.outpost.server.capture;

import dev.outpost.protocol.TableSchema;
import dev.outpost.server.schema.Fingerprints;
import dev.outpost.server.schema.PostgresCatalogReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Keeps the publication equal to the synced tables that have a primary key, and records a schema epoch
 * whenever the synced schema's fingerprint changes: a client whose position is older than the newest
 * epoch must rebuild.
 */
final class PublishedSchema {
    private final String schema;
    private final Set<String> only;
    private volatile Set<String> tables = Set.of();
    private String fingerprint;

    PublishedSchema(String schema, Set<String> only) {
        this.schema = schema;
        this.only = only;
    }

    /** The published tables as last refreshed. */
    Set<String> tables() {
        return tables;
    }

    /**
     * Reads the catalog; updates the publication when the table set changed and records an epoch at
     * {@code position} when the schema changed (or none was recorded yet).
     */
    void refresh(Connection connection, long position) throws SQLException {
        List<TableSchema> synced = new PostgresCatalogReader(schema, only).read(connection);
        String current = Fingerprints.of(
                synced.stream().map(t -> t.name() + "=" + t.fingerprint()).toArray(String[]::new));
        if (fingerprint == null) {
            fingerprint = latestEpoch(connection);
            tables = Set.of(); // the publication is checked once per capturer start
        }
        if (current.equals(fingerprint) && !tables.isEmpty()) {
            return;
        }
        Set<String> keyed = synced.stream()
                .filter(t -> !t.primaryKey().isEmpty())
                .map(TableSchema::name)
                .collect(Collectors.toCollection(TreeSet::new));
        publish(connection, keyed);
        tables = Set.copyOf(keyed);
        if (!current.equals(fingerprint)) {
            recordEpoch(connection, position, current);
            fingerprint = current;
        }
    }

    /**
     * Starts a new epoch regardless of the schema: the feed has a gap before {@code position} (a new
     * replication slot sees nothing that happened before it).
     */
    void gap(Connection connection, long position) throws SQLException {
        fingerprint = Fingerprints.of("gap", Long.toString(position));
        recordEpoch(connection, position, fingerprint);
    }

    private static String latestEpoch(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "select schema_fingerprint from " + FeedTables.EPOCHS + " order by position desc limit 1")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private void publish(Connection connection, Set<String> keyed) throws SQLException {
        String list = keyed.stream().map(t -> quote(schema) + "." + quote(t)).collect(Collectors.joining(", "));
        try (Statement st = connection.createStatement()) {
            boolean exists;
            boolean allTables = false;
            try (ResultSet rs = st.executeQuery(
                    "select puballtables from pg_publication where pubname = '" + FeedTables.PUBLICATION + "'")) {
                exists = rs.next();
                if (exists) {
                    allTables = rs.getBoolean(1);
                }
            }
            if (allTables) {
                return; // created by ops FOR ALL TABLES: nothing to maintain
            }
            if (!exists) {
                st.execute(
                        "create publication " + FeedTables.PUBLICATION + (keyed.isEmpty() ? "" : " for table " + list));
            } else if (keyed.isEmpty()) {
                st.execute("drop publication " + FeedTables.PUBLICATION);
                st.execute("create publication " + FeedTables.PUBLICATION);
            } else {
                st.execute("alter publication " + FeedTables.PUBLICATION + " set table " + list);
            }
        }
    }

    private static void recordEpoch(Connection connection, long position, String fingerprint) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("insert into " + FeedTables.EPOCHS + " (position, schema_fingerprint) values (" + position
                    + ", '" + fingerprint
                    + "') on conflict (position) do update set schema_fingerprint = excluded.schema_fingerprint,"
                    + " started_at = now()");
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
