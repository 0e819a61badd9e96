package dev.outpost.server.version;

import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.capture.FeedTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which synced tables each release changed, as the servers saw it: the first time an instance reads a
 * tagged version, the fingerprint of each synced table under that tag is recorded ({@value #TABLE});
 * a release changed a table when its fingerprint differs from the one recorded under the release seen
 * before it. Only releases a server was running for are known: the first one recorded is the baseline,
 * with nothing known about what it changed.
 */
public final class ReleaseTables {
    static final String TABLE = FeedTables.SCHEMA + ".release_tables";

    /** What the history says of one release: the tables it changed, or null for the baseline. */
    public record Changes(String tag, List<String> changedTables) {}

    private ReleaseTables() {}

    /** Records {@code version}'s table fingerprints under its tag, unless recorded already. */
    static void record(Connection connection, VersionInfo version) throws SQLException {
        if (version.tag() == null) {
            return;
        }
        FeedTables.createUnderLock(
                connection,
                "create table if not exists " + TABLE + " ("
                        + " tag text not null,"
                        + " table_name text not null,"
                        + " fingerprint text not null,"
                        + " recorded_at timestamptz not null default clock_timestamp(),"
                        + " primary key (tag, table_name))");
        try (PreparedStatement known = connection.prepareStatement("select 1 from " + TABLE + " where tag = ?")) {
            known.setString(1, version.tag());
            try (ResultSet rs = known.executeQuery()) {
                if (rs.next()) {
                    return; // another instance, or this one before a restart, recorded it
                }
            }
        }
        try (PreparedStatement ps = connection.prepareStatement(
                "insert into " + TABLE + " (tag, table_name, fingerprint) values (?, ?, ?) on conflict do nothing")) {
            for (Map.Entry<String, String> table : version.tableFingerprints().entrySet()) {
                ps.setString(1, version.tag());
                ps.setString(2, table.getKey());
                ps.setString(3, table.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Per recorded release, in the order they were first seen: the tables it changed (baseline: null). */
    public static Map<String, Changes> changes(Connection connection) throws SQLException {
        Map<String, Map<String, String>> byTag = new LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement("select tag, table_name, fingerprint from " + TABLE
                + " order by (select min(recorded_at) from " + TABLE + " r where r.tag = " + TABLE + ".tag), tag")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byTag.computeIfAbsent(rs.getString(1), t -> new HashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // nothing recorded yet
                return Map.of();
            }
            throw e;
        }
        Map<String, Changes> changes = new LinkedHashMap<>();
        Map<String, String> before = null;
        for (Map.Entry<String, Map<String, String>> release : byTag.entrySet()) {
            List<String> changed = null;
            if (before != null) {
                TreeSet<String> names = new TreeSet<>(release.getValue().keySet());
                names.addAll(before.keySet());
                changed = new ArrayList<>();
                for (String name : names) {
                    if (!Objects.equals(before.get(name), release.getValue().get(name))) {
                        changed.add(release.getValue().containsKey(name) ? name : name + " (dropped)");
                    }
                }
            }
            changes.put(release.getKey(), new Changes(release.getKey(), changed));
            before = release.getValue();
        }
        return changes;
    }

    /**
     * For each table of the newest recorded release, the release that last changed it (the first one
     * recorded with its present fingerprint); absent when that is the baseline (changed before it).
     */
    public static Map<String, String> lastChanged(Connection connection) throws SQLException {
        Map<String, String> last = new HashMap<>();
        Map<String, Changes> changes = changes(connection);
        for (Changes release : changes.values()) {
            if (release.changedTables() != null) {
                for (String table : release.changedTables()) {
                    last.put(table, release.tag());
                }
            }
        }
        return last;
    }
}
