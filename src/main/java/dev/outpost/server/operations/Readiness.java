package dev.outpost.server.operations;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.Health;
import dev.outpost.server.changes.FeedStatusReader;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.version.ChangelogReader;
import dev.outpost.server.version.CoalescedRead;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The readiness checks, on one pooled connection: {@value #DATABASE} (a trivial query answers),
 * {@value #CHANGELOG} (the Liquibase history the version comes from can be read) and {@value #CAPTURE}
 * ({@link CaptureHealth}). Run at most once a second and at most one at a time, with a deadline of
 * {@value #DEADLINE_MILLIS} ms: a check that has not answered by then is down. What failed and why goes
 * to the log (once per change), never into the answer.
 */
@ApplicationScoped
public class Readiness {
    static final String DATABASE = "database";
    static final String CHANGELOG = "changelog";
    static final String CAPTURE = "capture";
    static final long DEADLINE_MILLIS = 2_000;
    private static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int QUERY_TIMEOUT_SECONDS = 2;
    private static final Logger LOG = Logger.getLogger(Readiness.class.getName());

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Resource
    private ManagedExecutorService executor;

    @Inject
    private OutpostSettings settings;

    @Inject
    private FeedStatusReader feed;

    private final CoalescedRead<Health> read = new CoalescedRead<>(this::run, System::nanoTime);
    private final CaptureHealth capture = new CaptureHealth();
    private volatile String lastLogged = Health.UP;

    /** The checks now; {@link Health#DOWN} for each one not answered within the deadline. */
    public Health check() {
        Health health = read.get(System.nanoTime() - REUSE_NANOS, executor, DEADLINE_MILLIS)
                .orElseGet(() -> Health.of(checks(false, false, false)));
        String summary = health.checks().toString();
        if (!summary.equals(lastLogged)) {
            lastLogged = summary;
            LOG.log(Level.INFO, "readiness: {0}", summary);
        }
        return health;
    }

    private Health run() {
        boolean database = false;
        boolean changelog = false;
        boolean captureUp = false;
        try (Connection connection = dataSource.getConnection()) {
            String walLevel;
            try (Statement st = connection.createStatement()) {
                st.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                try (ResultSet rs = st.executeQuery("select current_setting('wal_level')")) {
                    rs.next();
                    walLevel = rs.getString(1);
                }
            }
            database = true;
            changelog = probe(CHANGELOG, () -> new ChangelogReader(settings.schema()).read(connection));
            FeedStatus status = feed.read(connection);
            captureUp = capture.up(settings.captureEnabled() && "logical".equals(walLevel), status, Instant.now());
        } catch (SQLException | RuntimeException e) {
            LOG.fine(() -> "readiness check failed: " + e);
        }
        return Health.of(checks(database, changelog, captureUp));
    }

    private static boolean probe(String name, SqlAction action) {
        try {
            action.run();
            return true;
        } catch (SQLException e) {
            LOG.fine(() -> "readiness check " + name + " failed: " + e);
            return false;
        }
    }

    private interface SqlAction {
        void run() throws SQLException;
    }

    private static Map<String, String> checks(boolean database, boolean changelog, boolean capture) {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put(DATABASE, database ? Health.UP : Health.DOWN);
        checks.put(CHANGELOG, changelog ? Health.UP : Health.DOWN);
        checks.put(CAPTURE, capture ? Health.UP : Health.DOWN);
        return checks;
    }
}
