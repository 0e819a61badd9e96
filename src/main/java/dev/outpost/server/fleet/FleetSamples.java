package dev.outpost.server.fleet;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.FleetSample;
import dev.outpost.protocol.SyncReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet over time: once a minute one instance (the one that gets a transaction lock first) counts
 * the replicas current, behind, failing and stale, and the largest lag, into {@value #TABLE}; samples
 * older than {@link AdminPaths#MAX_HISTORY_HOURS} are deleted then.
 */
final class FleetSamples {
    static final String TABLE = FleetTables.SCHEMA_PREFIX + "fleet_samples";

    private static final long SAMPLE_LOCK = 0x6f7574666c736d70L;

    private FleetSamples() {}

    static String createTable() {
        return "create table if not exists " + TABLE + " ("
                + " at timestamptz primary key,"
                + " replicas int not null, current int not null, behind int not null, failing int not null,"
                + " stale int not null, max_changes_behind bigint not null, max_seconds_behind bigint not null)";
    }

    /** Takes a sample unless one was taken in the last minute (on any instance). */
    static void sampleIfDue(Connection connection) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("select pg_try_advisory_xact_lock(" + SAMPLE_LOCK + "),"
                    + " exists (select 1 from " + TABLE + " where at > now() - interval '55 seconds')")) {
                rs.next();
                if (!rs.getBoolean(1) || rs.getBoolean(2)) {
                    connection.rollback();
                    return;
                }
            }
            try (PreparedStatement ps =
                    connection.prepareStatement("insert into " + TABLE + " " + summary(connection))) {
                ps.setString(1, SyncReport.FAILED);
                ps.setString(2, SyncReport.FAILED);
                ps.executeUpdate();
            }
            st.executeUpdate("delete from " + TABLE + " where at < now() - make_interval(hours => "
                    + AdminPaths.MAX_HISTORY_HOURS + ")");
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    /** The fleet as it is now, computed like a sample but not stored. */
    static FleetSample current(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(summary(connection))) {
            ps.setString(1, SyncReport.FAILED);
            ps.setString(2, SyncReport.FAILED);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return sample(rs);
            }
        }
    }

    /** One sample row: now, then the counts of a sample's columns; binds the failed outcome twice. */
    private static String summary(Connection connection) throws SQLException {
        return "select now(), count(*),"
                + " count(*) filter (where coalesce(x.behind, 0) = 0 and x.outcome is distinct from ?),"
                + " count(*) filter (where x.behind > 0),"
                + " count(*) filter (where x.outcome = ?),"
                + " count(*) filter (where x.last_seen < now() - interval '1 day'),"
                + " coalesce(max(x.behind), 0), coalesce(max(x.seconds), 0)"
                + " from (select r.last_outcome, r.last_seen, " + FleetReader.lag(connection)
                + " from " + FleetTables.REPLICAS + " r) as x(outcome, last_seen, behind, seconds)";
    }

    private static FleetSample sample(ResultSet rs) throws SQLException {
        return new FleetSample(
                rs.getTimestamp(1).toInstant().atOffset(ZoneOffset.UTC),
                rs.getInt(2),
                rs.getInt(3),
                rs.getInt(4),
                rs.getInt(5),
                rs.getInt(6),
                rs.getLong(7),
                rs.getLong(8));
    }

    /** The samples of the last {@code hours}, oldest first. */
    static List<FleetSample> history(Connection connection, int hours) throws SQLException {
        List<FleetSample> samples = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("select at, replicas, current, behind, failing, stale,"
                + " max_changes_behind, max_seconds_behind from " + TABLE
                + " where at > now() - make_interval(hours => ?) order by at")) {
            ps.setInt(1, hours);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    samples.add(sample(rs));
                }
            }
        }
        return samples;
    }
}
