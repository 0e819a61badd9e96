package dev.outpost.server.fleet;

import dev.outpost.protocol.FleetSample;
import dev.outpost.protocol.ReplicaDetail;
import dev.outpost.protocol.ReplicaInfo;
import dev.outpost.protocol.Rollout;
import dev.outpost.protocol.SyncReport;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads the fleet: the replicas recorded by {@link FleetRecorder}, each with its lag behind the newest
 * change of the log (positions after its own, and how long ago the oldest change it lacks was
 * captured), computed when asked.
 */
@ApplicationScoped
public class FleetReader {
    private static final Jsonb JSON = JsonbBuilder.create();

    private static final String COLUMNS = "r.id, r.token_id, r.token_name, r.client_version, r.first_seen,"
            + " r.last_seen, r.tag, r.schema_fingerprint, r.position, %s, r.last_outcome, r.last_error_code,"
            + " r.last_error, r.last_sync_at from " + FleetTables.REPLICAS + " r";

    /** The lag columns where the change log exists. */
    static final String LAG = "case when r.position is null then null"
            + " else greatest(0, (select coalesce(max(position), 0) from " + FeedTables.CHANGE_LOG + ") - r.position)"
            + " end,"
            + " case when r.position is null then null"
            + " else coalesce(extract(epoch from now() - (select c.captured_at from " + FeedTables.CHANGE_LOG
            + " c where c.position > r.position order by c.position limit 1))::bigint, 0) end";

    /** The lag columns without a change log (no capture has run): unknown. */
    static final String NO_LAG = "null::bigint, null::bigint";

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    /** The replicas seen most recently first, at most {@code limit}. */
    public List<ReplicaInfo> replicas(int limit) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            List<ReplicaInfo> replicas = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement(
                    "select " + columns(connection) + " order by r.last_seen desc, r.id limit ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        replicas.add(info(rs));
                    }
                }
            }
            return replicas;
        }
    }

    /** One replica with its recent syncs, newest first. */
    public Optional<ReplicaDetail> replica(UUID id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            ReplicaInfo info;
            try (PreparedStatement ps =
                    connection.prepareStatement("select " + columns(connection) + " where r.id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    info = info(rs);
                }
            }
            List<ReplicaDetail.Sync> syncs = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("select at, report from " + FleetTables.SYNCS
                    + " where replica_id = ? order by id desc limit " + ReplicaDetail.MAX_SYNCS)) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        syncs.add(new ReplicaDetail.Sync(
                                time(rs.getTimestamp(1)), JSON.fromJson(rs.getString(2), SyncReport.class)));
                    }
                }
            }
            return Optional.of(new ReplicaDetail(info, syncs));
        }
    }

    /** The fleet now: replicas known, current, behind, failing, stale and the largest lag. */
    public FleetSample current() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return FleetSamples.current(connection);
        }
    }

    /** The fleet's samples of the last {@code hours}, oldest first. */
    public List<FleetSample> history(int hours) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return FleetSamples.history(connection, hours);
        }
    }

    /** How release {@code tag} reached the fleet: when each replica first reported holding it. */
    public Rollout rollout(String tag) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            int replicas;
            int onIt;
            try (PreparedStatement ps = connection.prepareStatement(
                    "select count(*), count(*) filter (where tag = ?) from " + FleetTables.REPLICAS)) {
                ps.setString(1, tag);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    replicas = rs.getInt(1);
                    onIt = rs.getInt(2);
                }
            }
            List<OffsetDateTime> arrivals = new ArrayList<>();
            try (PreparedStatement ps = connection.prepareStatement("select min(at) as first from " + FleetTables.SYNCS
                    + " where report::jsonb ->> 'tag' = ? and report::jsonb ->> 'outcome' <> ?"
                    + " group by replica_id order by first")) {
                ps.setString(1, tag);
                ps.setString(2, SyncReport.FAILED);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        arrivals.add(time(rs.getTimestamp(1)));
                    }
                }
            }
            return new Rollout(tag, replicas, onIt, arrivals);
        }
    }

    private static String columns(Connection connection) throws SQLException {
        return String.format(COLUMNS, lag(connection));
    }

    /** The two lag columns over {@code r} (a replica row): {@link #LAG}, or unknown without a change log. */
    static String lag(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select to_regclass(?) is not null")) {
            ps.setString(1, FeedTables.CHANGE_LOG);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1) ? LAG : NO_LAG;
            }
        }
    }

    private static ReplicaInfo info(ResultSet rs) throws SQLException {
        return new ReplicaInfo(
                rs.getString(1),
                (Long) rs.getObject(2),
                rs.getString(3),
                rs.getString(4),
                time(rs.getTimestamp(5)),
                time(rs.getTimestamp(6)),
                rs.getString(7),
                rs.getString(8),
                (Long) rs.getObject(9),
                (Long) rs.getObject(10),
                (Long) rs.getObject(11),
                rs.getString(12),
                rs.getString(13),
                rs.getString(14),
                time(rs.getTimestamp(15)));
    }

    private static OffsetDateTime time(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant().atOffset(ZoneOffset.UTC);
    }
}
