package dev.outpost.server.capture;

import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.Fingerprints;
import dev.outpost.server.catalog.PostgresCatalogReader;
import dev.outpost.server.catalog.SyncScope;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps the publication equal to the synced tables the feed can follow (a primary key and no generated
 * column, see {@link PostgresCatalogReader}), and records a schema epoch whenever the synced schema's
 * fingerprint changes: a client whose position is older than the newest epoch must rebuild, unless it
 * already has the current schema.
 *
 * <p>Tables with a generated column are not published: PostgreSQL 17's {@code pgoutput} does not send
 * generated columns, so their changes could not carry full rows. Such tables are snapshot-only.
 */
final class PublishedSchema {
    private final SyncScope scope;
    private volatile Set<String> tables = Set.of();
    private String fingerprint;

    PublishedSchema(SyncScope scope) {
        this.scope = scope;
    }

    /** Protocol names of the published tables as last refreshed. */
    Set<String> tables() {
        return tables;
    }

    /**
     * Reads the catalog; updates the publication when the table set changed and records an epoch at
     * {@code position} when the schema changed (or none was recorded yet).
     */
    void refresh(Connection connection, long position) throws SQLException {
        PostgresCatalogReader.Catalog catalog = new PostgresCatalogReader(scope).readCatalog(connection);
        List<TableSchema> synced = catalog.tables();
        String current = Fingerprints.of(
                synced.stream().map(t -> t.name() + "=" + t.fingerprint()).toArray(String[]::new));
        if (fingerprint == null) {
            fingerprint = latestEpoch(connection);
            tables = Set.of(); // the publication is checked once per capturer start
        }
        if (current.equals(fingerprint) && !tables.isEmpty()) {
            return;
        }
        Set<String> keyed = new TreeSet<>(catalog.followable());
        publish(
                connection,
                synced.stream()
                        .filter(t -> keyed.contains(t.name()))
                        .map(scope::sql)
                        .toList());
        tables = Set.copyOf(keyed);
        if (!current.equals(fingerprint)) {
            recordEpoch(connection, position, current);
            fingerprint = current;
        }
    }

    /**
     * Records a gap in the feed at {@code position} (reserved, holding no change): a new replication
     * slot sees nothing that happened before it was created, so no position before this one can be
     * continued from, whatever schema the client has. The retention horizon moves there (it only
     * grows), and an epoch is recorded there too.
     */
    void gap(Connection connection, long position) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("update " + FeedTables.HORIZON + " set after_position = greatest(after_position, " + position
                    + ")");
        }
        recordEpoch(connection, position, fingerprint);
    }

    private static String latestEpoch(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "select schema_fingerprint from " + FeedTables.EPOCHS + " order by position desc limit 1")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    /** @param keyed the tables to publish, as SQL names */
    private static void publish(Connection connection, List<String> keyed) throws SQLException {
        String list = String.join(", ", keyed);
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
}
