package dev.outpost.server.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server's settings, read from system properties when the application starts and validated
 * once. Every setting has a default so that a plain deployment works; names are the documented
 * property keys.
 */
@ApplicationScoped
public class OutpostSettings {
    /** JNDI name of the datasource; the WAR's {@code web.xml} defines it from {@code db.*} properties. */
    public static final String DATASOURCE = "java:app/jdbc/outpost";

    public static final String LIQUIBASE_ENABLED = "outpost.liquibase.enabled";
    public static final String LIQUIBASE_CHANGELOG = "outpost.liquibase.changelog";
    public static final String SCHEMA = "outpost.schema";
    public static final String TABLES = "outpost.tables";
    public static final String SYNC_TOKENS = "outpost.sync-tokens";
    public static final String WRITE_TOKENS = "outpost.write-tokens";

    public static final String CAPTURE_ENABLED = "outpost.capture.enabled";
    public static final String RETENTION_HOURS = "outpost.changes.retention-hours";

    /** Changes are kept a week unless configured otherwise. */
    public static final int DEFAULT_RETENTION_HOURS = 168;

    public static final String DEFAULT_CHANGELOG = "liquibase/changelog-master.xml";
    public static final String DEFAULT_SCHEMA = "public";

    private final boolean liquibaseEnabled;
    private final String changelog;
    private final String schema;
    private final Set<String> tables;
    private final Set<String> syncTokens;
    private final Set<String> writeTokens;
    private final boolean captureEnabled;
    private final int retentionHours;

    public OutpostSettings() {
        this.liquibaseEnabled = bool(LIQUIBASE_ENABLED, true);
        this.changelog = System.getProperty(LIQUIBASE_CHANGELOG, DEFAULT_CHANGELOG);
        this.schema = System.getProperty(SCHEMA, DEFAULT_SCHEMA);
        this.tables = list(TABLES);
        this.syncTokens = list(SYNC_TOKENS);
        this.writeTokens = list(WRITE_TOKENS);
        this.captureEnabled = bool(CAPTURE_ENABLED, true);
        this.retentionHours = positive(RETENTION_HOURS, DEFAULT_RETENTION_HOURS);
    }

    private static boolean bool(String key, boolean fallback) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
            throw new IllegalStateException("setting " + key + " must be true or false, was '" + v + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private static int positive(String key, int fallback) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(v.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("setting " + key + " must be a positive whole number, was '" + v + "'");
    }

    private static Set<String> list(String key) {
        return Arrays.stream(System.getProperty(key, "").split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the server applies the changelog itself at start-up ({@value #LIQUIBASE_ENABLED}). */
    public boolean liquibaseEnabled() {
        return liquibaseEnabled;
    }

    /** Classpath location of the master changelog ({@value #LIQUIBASE_CHANGELOG}). */
    public String changelog() {
        return changelog;
    }

    /** The PostgreSQL schema whose tables are synced ({@value #SCHEMA}). */
    public String schema() {
        return schema;
    }

    /** Names of the synced tables ({@value #TABLES}); empty means every base table of the schema. */
    public Set<String> tables() {
        return tables;
    }

    /** Bearer tokens that may read the sync endpoints ({@value #SYNC_TOKENS}). */
    public Set<String> syncTokens() {
        return syncTokens;
    }

    /** Bearer tokens that may also call the write endpoints ({@value #WRITE_TOKENS}). */
    public Set<String> writeTokens() {
        return writeTokens;
    }

    /** Whether this instance runs the change capture loop ({@value #CAPTURE_ENABLED}). */
    public boolean captureEnabled() {
        return captureEnabled;
    }

    /** How long changes are kept ({@value #RETENTION_HOURS}); older positions must rebuild. */
    public int retentionHours() {
        return retentionHours;
    }
}
