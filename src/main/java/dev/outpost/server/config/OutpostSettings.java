package dev.outpost.server.config;

import dev.outpost.server.catalog.SyncScope;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The server's settings, the one place they are read: from system properties (the file ops write,
 * {@code server-config/outpost.properties.example}) when the application starts, validated once, with
 * the defaults {@code server-config/README.md} documents. Names are the documented property keys; a
 * setting that is malformed stops the start with a message naming it.
 */
@ApplicationScoped
public class OutpostSettings {
    /** JNDI name of the datasource; the WAR's {@code web.xml} defines it from {@code db.*} properties. */
    public static final String DATASOURCE = "java:app/jdbc/outpost";

    public static final String DB_HOST = "db.host";
    public static final String DB_PORT = "db.port";
    public static final String DB_NAME = "db.name";
    public static final String DB_USER = "db.user";
    public static final String DB_PASSWORD = "db.password";
    public static final String DB_STANDBY_HOST = "db.standby.host";
    public static final String DB_STANDBY_PORT = "db.standby.port";

    public static final String LIQUIBASE_ENABLED = "outpost.liquibase.enabled";
    public static final String LIQUIBASE_CHANGELOG = "outpost.liquibase.changelog";
    public static final String SCHEMA = "outpost.schema";
    public static final String SCHEMAS = "outpost.schemas";
    public static final String TABLES = "outpost.tables";
    public static final String SYNC_TOKENS = "outpost.sync-tokens";
    public static final String WRITE_TOKENS = "outpost.write-tokens";
    public static final String ADMIN_TOKENS = "outpost.admin-tokens";
    public static final String METRICS_TOKENS = "outpost.metrics-tokens";

    public static final String CAPTURE_ENABLED = "outpost.capture.enabled";
    public static final String DROP_SLOT_ON_UNDEPLOY = "outpost.capture.drop-slot-on-undeploy";
    public static final String RETENTION_HOURS = "outpost.changes.retention-hours";
    public static final String VERSION_MAX_AGE_MS = "outpost.version.max-age-ms";

    /** Changes are kept a week unless configured otherwise. */
    public static final int DEFAULT_RETENTION_HOURS = 168;

    /** A version answer comes from a read at most a second old unless configured otherwise. */
    public static final long DEFAULT_VERSION_MAX_AGE_MS = 1000;

    public static final String DEFAULT_CHANGELOG = "liquibase/changelog-master.xml";
    public static final String DEFAULT_SCHEMA = "public";

    private final Properties source;
    private final DatabaseSettings database;
    private final Optional<DatabaseSettings> standby;
    private final boolean liquibaseEnabled;
    private final String changelog;
    private final String schema;
    private final SyncScope scope;
    private final Set<String> syncTokens;
    private final Set<String> writeTokens;
    private final Set<String> adminTokens;
    private final Set<String> metricsTokens;
    private final boolean captureEnabled;
    private final boolean dropSlotOnUndeploy;
    private final int retentionHours;
    private final long versionMaxAgeMillis;

    /** The settings of this server: its system properties. */
    public OutpostSettings() {
        this(System.getProperties());
    }

    /** The settings {@code source} holds; a missing or blank property takes its default. */
    public OutpostSettings(Properties source) {
        this.source = source;
        this.database = new DatabaseSettings(
                required(DB_HOST), port(), required(DB_NAME), required(DB_USER), text(DB_PASSWORD, ""));
        String standbyHost = text(DB_STANDBY_HOST, null);
        this.standby = standbyHost == null
                ? Optional.empty()
                : Optional.of(new DatabaseSettings(
                        standbyHost,
                        (int) whole(DB_STANDBY_PORT, database.port(), 1, 65535),
                        database.name(),
                        database.user(),
                        database.password()));
        this.liquibaseEnabled = bool(LIQUIBASE_ENABLED, true);
        this.changelog = text(LIQUIBASE_CHANGELOG, DEFAULT_CHANGELOG);
        this.schema = text(SCHEMA, DEFAULT_SCHEMA);
        List<String> schemas = list(SCHEMAS).stream().distinct().toList();
        this.scope = new SyncScope(schema, schemas.isEmpty() ? List.of(schema) : schemas, Set.copyOf(list(TABLES)));
        this.syncTokens = Set.copyOf(list(SYNC_TOKENS));
        this.writeTokens = Set.copyOf(list(WRITE_TOKENS));
        this.adminTokens = Set.copyOf(list(ADMIN_TOKENS));
        this.metricsTokens = Set.copyOf(list(METRICS_TOKENS));
        requireDistinct();
        this.captureEnabled = bool(CAPTURE_ENABLED, true);
        this.dropSlotOnUndeploy = bool(DROP_SLOT_ON_UNDEPLOY, false);
        this.retentionHours = (int) whole(RETENTION_HOURS, DEFAULT_RETENTION_HOURS, 1, Integer.MAX_VALUE);
        this.versionMaxAgeMillis = whole(VERSION_MAX_AGE_MS, DEFAULT_VERSION_MAX_AGE_MS, 0, TimeUnit.HOURS.toMillis(1));
    }

    /** A bootstrap token listed under two roles would be ambiguous. */
    private void requireDistinct() {
        for (String token : adminTokens) {
            if (syncTokens.contains(token) || writeTokens.contains(token)) {
                throw new IllegalStateException("setting " + ADMIN_TOKENS + " lists a token that " + SYNC_TOKENS
                        + " or " + WRITE_TOKENS + " lists too; an admin token must be of its own");
            }
        }
        for (String token : metricsTokens) {
            if (syncTokens.contains(token) || writeTokens.contains(token) || adminTokens.contains(token)) {
                throw new IllegalStateException("setting " + METRICS_TOKENS + " lists a token that another"
                        + " token setting lists too; a metrics token must be of its own");
            }
        }
    }

    private String text(String key, String fallback) {
        String v = source.getProperty(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private String required(String key) {
        String v = text(key, null);
        if (v == null) {
            throw new IllegalStateException("setting " + key + " is required (see outpost.properties.example)");
        }
        return v;
    }

    private int port() {
        required(DB_PORT);
        return (int) whole(DB_PORT, 0, 1, 65535);
    }

    private boolean bool(String key, boolean fallback) {
        String v = text(key, null);
        if (v == null) {
            return fallback;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalStateException("setting " + key + " must be true or false, was '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private long whole(String key, long fallback, long min, long max) {
        String v = text(key, null);
        if (v == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(v);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException(
                "setting " + key + " must be a whole number from " + min + " to " + max + ", was '" + v + "'");
    }

    private List<String> list(String key) {
        return Arrays.stream(text(key, "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** The PostgreSQL the server reads and captures from ({@code db.*}; the datasource uses the same). */
    public DatabaseSettings database() {
        return database;
    }

    /**
     * The hot standby that serves snapshot pages and the change history ({@value #DB_STANDBY_HOST},
     * {@value #DB_STANDBY_PORT}, default the primary's port; the same database, user and password), or
     * empty when every read goes to the primary.
     */
    public Optional<DatabaseSettings> standby() {
        return standby;
    }

    /**
     * Bearer tokens that may read {@code /api/metrics} and nothing else ({@value #METRICS_TOKENS}, default
     * none): the credential a Prometheus scrape configuration holds.
     */
    public Set<String> metricsTokens() {
        return metricsTokens;
    }

    /** Whether the server applies the changelog itself at start-up ({@value #LIQUIBASE_ENABLED}). */
    public boolean liquibaseEnabled() {
        return liquibaseEnabled;
    }

    /** Classpath location of the master changelog ({@value #LIQUIBASE_CHANGELOG}). */
    public String changelog() {
        return changelog;
    }

    /**
     * The home schema ({@value #SCHEMA}): Liquibase's history is read there, and its tables are called
     * by their own names in the protocol.
     */
    public String schema() {
        return schema;
    }

    /**
     * The synced tables: every table of the schemas listed in {@value #SCHEMAS} (default: the home
     * schema alone), or only those named in {@value #TABLES} (tables of other schemas than the home
     * schema as {@code schema.table}).
     */
    public SyncScope scope() {
        return scope;
    }

    /** Bearer tokens that may read the sync endpoints ({@value #SYNC_TOKENS}). */
    public Set<String> syncTokens() {
        return syncTokens;
    }

    /** Bearer tokens that may also call the write endpoints ({@value #WRITE_TOKENS}). */
    public Set<String> writeTokens() {
        return writeTokens;
    }

    /**
     * Bootstrap bearer tokens that may call the admin API ({@value #ADMIN_TOKENS}, default none): they
     * create the first stored tokens, and can be removed once an admin token is stored.
     */
    public Set<String> adminTokens() {
        return adminTokens;
    }

    /** Whether this instance runs the change capture loop ({@value #CAPTURE_ENABLED}). */
    public boolean captureEnabled() {
        return captureEnabled;
    }

    /**
     * Whether this instance drops the feed's replication slot when the application stops ({@value
     * #DROP_SLOT_ON_UNDEPLOY}, default false): for decommissioning the last instance, so that PostgreSQL
     * keeps no WAL for a feed nobody reads. Off by default because other instances may still capture
     * (a slot in use is never dropped) and a new slot is a gap every replica rebuilds after.
     */
    public boolean dropSlotOnUndeploy() {
        return dropSlotOnUndeploy;
    }

    /** How long changes are kept ({@value #RETENTION_HOURS}); older positions must rebuild. */
    public int retentionHours() {
        return retentionHours;
    }

    /**
     * How old, in milliseconds, the version read an answer of the version endpoint comes from may be
     * ({@value #VERSION_MAX_AGE_MS}, 0 to 3,600,000; 0 reads on every request).
     */
    public long versionMaxAgeMillis() {
        return versionMaxAgeMillis;
    }
}
