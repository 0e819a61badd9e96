package dev.outpost.server.version;

import dev.outpost.protocol.ChangeSetInfo;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.catalog.Fingerprints;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.schema.SyncedSchema;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The version of this database, read from {@code DATABASECHANGELOG} and {@code pg_catalog} and kept
 * for at most {@value OutpostSettings#VERSION_MAX_AGE_MS} milliseconds (default {@value
 * OutpostSettings#DEFAULT_VERSION_MAX_AGE_MS}).
 *
 * <p>Invariant: an answer for a request comes from a read that started at most the maximum age
 * before the request arrived ({@link #recent}), or after it arrived ({@link #fresh}). So a changelog
 * applied by a pipeline is seen by every instance within the maximum age, with no coordination
 * between instances: PostgreSQL stays the only source of truth and each instance's copy is just a
 * recent read of it. Reads are coalesced ({@link CoalescedRead}): however many requests arrive, an
 * instance runs at most one version read at a time. {@code 0} reads on every request, as tests that
 * migrate and check at once need.
 */
@ApplicationScoped
public class RecentVersion {
    private static final Logger LOG = Logger.getLogger(RecentVersion.class.getName());

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    @Inject
    private SyncedSchema syncedSchema;

    private long maxAgeNanos;
    private CoalescedRead<VersionSnapshot> reads;

    @PostConstruct
    void init() {
        maxAgeNanos = TimeUnit.MILLISECONDS.toNanos(settings.versionMaxAgeMillis());
        reads = new CoalescedRead<>(this::read, System::nanoTime);
    }

    /** The version from a read that started at most the maximum age before {@code arrivedNanos}. */
    VersionSnapshot recent(long arrivedNanos) throws SQLException {
        return reads.get(arrivedNanos - maxAgeNanos);
    }

    /** The live version, unscoped, from a read at most the maximum age old (for the admin overview). */
    public VersionInfo live() throws SQLException {
        return recent(System.nanoTime()).version();
    }

    /** The version from a read that started at or after {@code arrivedNanos}. */
    VersionSnapshot fresh(long arrivedNanos) throws SQLException {
        return reads.get(arrivedNanos);
    }

    /** The tag whose tables this instance recorded last ({@link ReleaseTables}); read by one reader at a time. */
    private volatile String recordedTag;

    private void recordRelease(VersionInfo version) {
        try (Connection connection = dataSource.getConnection()) {
            ReleaseTables.record(connection, version);
            recordedTag = version.tag();
        } catch (SQLException e) {
            // the history is for operators; the version answer does not depend on it (tried again next read)
            LOG.log(Level.WARNING, e, () -> "could not record the tables of release " + version.tag());
        }
    }

    private VersionSnapshot read() throws SQLException {
        ChangelogReader.ChangelogState history;
        String database;
        try (Connection connection = dataSource.getConnection()) {
            history = new ChangelogReader(settings.schema()).read(connection);
            database = DatabaseIdentity.read(connection);
        }
        SchemaInfo schema = syncedSchema.read();
        Map<String, String> tables = new LinkedHashMap<>();
        for (TableSchema table : schema.tables()) {
            tables.put(table.name(), table.fingerprint());
        }
        VersionInfo version =
                new VersionInfo(history.tag(), history.latestChangeSet(), schema.fingerprint(), tables, database);
        if (version.tag() != null && !version.tag().equals(recordedTag)) {
            recordRelease(version);
        }
        ChangeSetInfo last = version.latestChangeSet();
        String etag = Fingerprints.of(
                version.tag(),
                last == null ? null : last.id(),
                last == null ? null : Long.toString(last.orderExecuted()),
                version.schemaFingerprint(),
                database);
        return new VersionSnapshot(version, etag, schema);
    }
}
