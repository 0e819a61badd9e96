package dev.outpost.server.fleet;

import dev.outpost.protocol.SyncReport;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Creates the fleet's tables at start-up and writes what {@link ReplicaSightings} gathered every
 * {@value #WRITE_SECONDS} seconds: one upsert per replica seen, one row per sync report, and the
 * oldest reports beyond {@link dev.outpost.protocol.ReplicaDetail#MAX_SYNCS} per replica deleted; and
 * once a minute a sample of the fleet ({@link FleetSamples}).
 * Every instance writes its own sightings; the latest request wins whichever instance writes last.
 */
@Singleton
@Startup
@DependsOn("LiquibaseMigrator")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
@TransactionManagement(TransactionManagementType.BEAN)
public class FleetRecorder {
    static final int WRITE_SECONDS = 5;

    private static final Logger LOG = Logger.getLogger(FleetRecorder.class.getName());
    private static final Jsonb JSON = JsonbBuilder.create();

    private static final String UPSERT_SIGHTING = "insert into " + FleetTables.REPLICAS
            + " (id, token_id, token_name, client_version, first_seen, last_seen, position)"
            + " values (?, ?, ?, ?, ?, ?, ?)"
            + " on conflict (id) do update set"
            + " token_id = excluded.token_id, token_name = excluded.token_name,"
            + " client_version = coalesce(excluded.client_version, " + FleetTables.REPLICAS + ".client_version),"
            + " last_seen = greatest(excluded.last_seen, " + FleetTables.REPLICAS + ".last_seen),"
            + " position = coalesce(excluded.position, " + FleetTables.REPLICAS + ".position)";

    private static final String UPDATE_OUTCOME = "update " + FleetTables.REPLICAS
            + " set tag = coalesce(?, tag), schema_fingerprint = coalesce(?, schema_fingerprint),"
            + " last_outcome = ?, last_error_code = ?, last_error = ?,"
            + " last_sync_at = ? where id = ? and (last_sync_at is null or last_sync_at <= ?)";

    private static final String INSERT_SYNC =
            "insert into " + FleetTables.SYNCS + " (replica_id, at, report) values (?, ?, ?)";

    private static final String PRUNE_SYNCS = "delete from " + FleetTables.SYNCS + " s where s.replica_id = ?"
            + " and s.id <= (select id from " + FleetTables.SYNCS + " where replica_id = ?"
            + " order by id desc offset " + dev.outpost.protocol.ReplicaDetail.MAX_SYNCS + " limit 1)";

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private ReplicaSightings sightings;

    @PostConstruct
    void createTables() {
        try (Connection connection = dataSource.getConnection()) {
            FleetTables.create(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the fleet's tables: " + e.getMessage(), e);
        }
    }

    @Schedule(second = "*/" + WRITE_SECONDS, minute = "*", hour = "*", persistent = false)
    void write() {
        Map<UUID, ReplicaSightings.Pending> pending = sightings.take();
        try (Connection connection = dataSource.getConnection()) {
            if (!pending.isEmpty()) {
                write(connection, pending);
            }
            FleetSamples.sampleIfDue(connection);
        } catch (SQLException e) {
            LOG.log(
                    Level.WARNING,
                    e,
                    () -> "could not record what " + pending.size()
                            + " replicas did (dropped; their next requests record it again), or sample the fleet: "
                            + e.getMessage());
        }
    }

    /** Writes the sightings and reports in one transaction. */
    static void write(Connection connection, Map<UUID, ReplicaSightings.Pending> pending) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (PreparedStatement seen = connection.prepareStatement(UPSERT_SIGHTING);
                PreparedStatement outcome = connection.prepareStatement(UPDATE_OUTCOME);
                PreparedStatement sync = connection.prepareStatement(INSERT_SYNC);
                PreparedStatement prune = connection.prepareStatement(PRUNE_SYNCS)) {
            // in one order on every instance, so that two instances writing the same replicas never deadlock
            for (UUID replica : new java.util.TreeSet<>(pending.keySet())) {
                ReplicaSightings.Sighting s = pending.get(replica).sighting();
                Timestamp at = Timestamp.from(s.at());
                seen.setObject(1, replica);
                seen.setObject(2, s.tokenId().orElse(null), Types.BIGINT);
                seen.setString(3, s.tokenName());
                seen.setString(4, s.clientVersion());
                seen.setTimestamp(5, at);
                seen.setTimestamp(6, at);
                seen.setObject(7, s.position(), Types.BIGINT);
                seen.addBatch();
            }
            seen.executeBatch();
            for (UUID replica : new java.util.TreeSet<>(pending.keySet())) {
                var reports = pending.get(replica).reports();
                for (ReplicaSightings.Report r : reports) {
                    sync.setObject(1, replica);
                    sync.setTimestamp(2, Timestamp.from(r.at()));
                    sync.setString(3, JSON.toJson(r.report()));
                    sync.addBatch();
                }
                if (!reports.isEmpty()) {
                    ReplicaSightings.Report last = reports.get(reports.size() - 1);
                    SyncReport report = last.report();
                    Timestamp at = Timestamp.from(last.at());
                    boolean failed = SyncReport.FAILED.equals(report.outcome());
                    outcome.setString(1, report.tag());
                    outcome.setString(2, report.schemaFingerprint());
                    outcome.setString(3, report.outcome());
                    outcome.setString(4, failed ? report.errorCode() : null);
                    outcome.setString(5, failed ? report.error() : null);
                    outcome.setTimestamp(6, at);
                    outcome.setObject(7, replica);
                    outcome.setTimestamp(8, at);
                    outcome.addBatch();
                    prune.setObject(1, replica);
                    prune.setObject(2, replica);
                    prune.addBatch();
                }
            }
            sync.executeBatch();
            outcome.executeBatch();
            prune.executeBatch();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
