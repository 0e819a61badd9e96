package dev.outpost.server.standby;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.config.DatabaseSettings;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.metrics.ServerMetrics;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.version.DatabaseIdentity;
import dev.outpost.server.version.RecentVersion;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections for reads that may come from the hot standby ({@link OutpostSettings#standby()}).
 *
 * <p>A read names the feed position it must cover. The standby serves it only when its change log
 * already reaches that position: capture stores a change only after its transaction committed, and a
 * standby replays the WAL in commit order, so a standby whose log holds a position also holds every
 * row change up to it. Otherwise, and while the standby is unreachable or is not a copy of the
 * primary's database, the read goes to the primary, which always holds everything. The standby's
 * connections come from a HikariCP pool of their own: the container's pool is the primary's, defined
 * once for Payara and WildFly alike, and a second one would need the same per-server setup for a
 * database that is optional.
 */
@ApplicationScoped
public class StandbyReads {
    private static final Logger LOG = Logger.getLogger(StandbyReads.class.getName());

    /** How long a standby that failed is left alone before it is tried again. */
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final long POLL_MILLIS = 20;

    /** Whether the standby's change log reaches a position (of a change, or of a gap). */
    private static final String HOLDS = "select " + FeedTables.NEWEST_POSITION + " >= ?";

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource primary;

    @Inject
    private OutpostSettings settings;

    @Inject
    private RecentVersion version;

    @Inject
    private ServerMetrics metrics;

    private HikariDataSource standby;

    /** When the standby may be tried again after a failure ({@link System#nanoTime()}); 0 when it is up. */
    private volatile long restingUntil;

    /** Whether the standby was found to be a copy of the primary's database (checked once). */
    private volatile boolean sameDatabase;

    @PostConstruct
    void init() {
        settings.standby().ifPresent(database -> standby = pool(database));
    }

    @PreDestroy
    void close() {
        if (standby != null) {
            standby.close();
        }
    }

    private static HikariDataSource pool(DatabaseSettings database) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("outpost-standby");
        config.setJdbcUrl(database.jdbcUrl());
        config.setUsername(database.user());
        config.setPassword(database.password());
        config.setReadOnly(true);
        config.setMaximumPoolSize(20);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(1_000);
        // a standby that is down when the server starts is tried again later, never fatal
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** A read on a connection it owns (it closes it, also when it fails). */
    @FunctionalInterface
    public interface Read<T> {
        /** @param standby whether the connection is the standby's */
        T on(Connection connection, boolean standby) throws SQLException;
    }

    /**
     * Runs {@code read} on the standby when it holds {@code position}, else on the primary; also on the
     * primary when the standby's read fails (a query cancelled by a conflict with replay) or refuses
     * the position ({@link ProblemType#MUST_REBUILD}: a release the standby has not replayed yet).
     */
    public <T> T read(ServerMetrics.Stream stream, long position, Read<T> read) throws SQLException {
        Connection standbyConnection = standbyHolding(position);
        if (standbyConnection != null) {
            try {
                T result = read.on(standbyConnection, true);
                metrics.standbyEligibleRead(stream, true);
                return result;
            } catch (ProblemException e) {
                if (e.type() != ProblemType.MUST_REBUILD) {
                    throw e;
                }
            } catch (SQLException e) {
                LOG.log(Level.FINE, "a read on the standby failed, the primary answers it", e);
            }
        }
        metrics.standbyEligibleRead(stream, false);
        return read.on(primary.getConnection(), false);
    }

    /**
     * Waits at most {@code millis} for the standby to hold {@code position}, so that the reads that
     * follow a snapshot's position go to the standby; returns at once without one.
     */
    public void awaitStandby(long position, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (standby != null && System.nanoTime() - deadline < 0) {
            try (Connection connection = standbyHolding(position)) {
                if (connection != null || resting()) {
                    return;
                }
            } catch (SQLException e) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** A standby connection if the standby holds {@code position}, else {@code null}. */
    private Connection standbyHolding(long position) {
        if (standby == null || resting()) {
            return null;
        }
        Connection connection = null;
        try {
            connection = standby.getConnection();
            if (!sameDatabase) {
                requireSameDatabase(connection);
            }
            if (holds(connection, position)) {
                return connection;
            }
            connection.close();
            return null;
        } catch (SQLException e) {
            rest(e);
            closeQuietly(connection);
            return null;
        }
    }

    private boolean resting() {
        long until = restingUntil;
        return until != 0 && System.nanoTime() - until < 0;
    }

    private void rest(SQLException e) {
        if (restingUntil == 0) {
            LOG.log(
                    Level.WARNING,
                    "the standby " + settings.standby().orElseThrow() + " cannot serve reads, the primary serves them: "
                            + e.getMessage());
        }
        restingUntil = System.nanoTime() + RETRY_NANOS;
        sameDatabase = false;
    }

    /** A standby of another database (a misconfiguration) must never answer; checked again after each failure. */
    private void requireSameDatabase(Connection connection) throws SQLException {
        String standbyIdentity = DatabaseIdentity.read(connection);
        String primaryIdentity = version.live().database();
        if (!standbyIdentity.equals(primaryIdentity)) {
            throw new SQLException(
                    "it holds another database (" + standbyIdentity + ", the primary's is " + primaryIdentity + ")");
        }
        if (restingUntil != 0) {
            LOG.info("the standby " + settings.standby().orElseThrow() + " serves reads again");
        }
        sameDatabase = true;
        restingUntil = 0;
    }

    private static boolean holds(Connection connection, long position) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(HOLDS)) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            // the connection is dropped either way
        }
    }
}
