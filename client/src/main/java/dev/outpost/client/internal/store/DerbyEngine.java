package dev.outpost.client.internal.store;

import java.nio.file.Path;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Derby engine: its JVM-wide settings, the settings of each new replica database, and
 * shutting single databases down.
 */
final class DerbyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DerbyEngine.class);

    /** Most pages of the page cache; a larger cache speeds up bulk loading. */
    static final int MAX_PAGE_CACHE_PAGES = 20_000;

    /** Fewest pages of the page cache: Derby's own default. */
    static final int MIN_PAGE_CACHE_PAGES = 1_000;

    /**
     * Heap one cached page may take, counted generously: Derby counts its cache in pages, whatever
     * their size; a table with a CLOB or BLOB column, or wide rows, has 32 KiB pages; and each cached
     * page also keeps a header object per record on it (an index page holds many small records).
     */
    static final long HEAP_PER_CACHED_PAGE = 64 * 1024;

    /** The page cache may take at most this fraction (1/n) of the maximum heap. */
    static final int HEAP_SHARE_DIVISOR = 4;

    /** Bytes of the log buffer; a larger buffer speeds up bulk loading. */
    static final String LOG_BUFFER_SIZE = "1048576";

    /**
     * Row locks one transaction may hold before Derby tries to lock a whole table instead: Derby's
     * minimum (its default is 5,000). Derby escalates only when it can take the table lock without
     * waiting, and then takes no more row locks on that table for the rest of the transaction.
     */
    static final String ESCALATION_THRESHOLD = "100";

    private DerbyEngine() {}

    /**
     * Sets Derby's loading-speed settings and its log file ({@code derby.log} in the first replica
     * directory opened), each only if the application has not set it. Derby reads them when it boots,
     * so this must run before the first Derby connection in the JVM.
     */
    static synchronized void configure(Path replicaDirectory) {
        setIfAbsent(
                "derby.storage.pageCacheSize",
                String.valueOf(pageCachePages(Runtime.getRuntime().maxMemory())));
        setIfAbsent("derby.storage.logBufferSize", LOG_BUFFER_SIZE);
        setIfAbsent(
                "derby.stream.error.file", replicaDirectory.resolve("derby.log").toString());
    }

    /**
     * Database-wide settings of a new replica database, which stay with it: the lock escalation
     * threshold ({@value #ESCALATION_THRESHOLD} row locks). Applying a backlog of changes takes a row
     * lock per change, up to {@code ChangeApplier.COMMIT_CHANGES} in one transaction; one table lock
     * instead is faster (figures in {@code docs/benchmarks.md}, "Change feed").
     * Once escalated, readers of that table wait for the transaction's commit instead of only for the
     * rows it changed; an escalation never waits for a reader (Derby keeps the row locks then), and a
     * small transaction, such as live mode's, keeps row locks. An application's own system property
     * {@code derby.locks.escalationThreshold} wins over this one (Derby's precedence).
     */
    static void configureNew(Connection database) throws SQLException {
        try (CallableStatement set = database.prepareCall(
                "CALL SYSCS_UTIL.SYSCS_SET_DATABASE_PROPERTY('derby.locks.escalationThreshold', ?)")) {
            set.setString(1, ESCALATION_THRESHOLD);
            set.execute();
        }
    }

    /**
     * Pages of the page cache for a JVM with this maximum heap: at most a quarter of the heap even if
     * every cached page is a 32 KiB one full of small records, within [{@value #MIN_PAGE_CACHE_PAGES},
     * {@value #MAX_PAGE_CACHE_PAGES}] pages. Derby's cache never shrinks: it keeps every page read or
     * written until it is full, so a fixed page count sized for speed would run a small heap out of
     * memory on a large table. Each booted database has a cache of its own: the replica and a shadow
     * being built take at most half the heap.
     */
    static int pageCachePages(long maxHeapBytes) {
        long pages = maxHeapBytes / HEAP_SHARE_DIVISOR / HEAP_PER_CACHED_PAGE;
        return (int) Math.max(MIN_PAGE_CACHE_PAGES, Math.min(MAX_PAGE_CACHE_PAGES, pages));
    }

    /** Shuts one database down cleanly (a no-op when it is not booted). */
    static void shutdown(Path db) {
        try {
            DriverManager.getConnection("jdbc:derby:" + db.toAbsolutePath() + ";shutdown=true")
                    .close();
        } catch (SQLException e) {
            // Derby reports a successful shutdown as 08006; XJ004 means there is no such database
            if (!"08006".equals(e.getSQLState()) && !"XJ004".equals(e.getSQLState())) {
                LOG.warn("Derby did not shut {} down cleanly: {}", db, e.getMessage());
            }
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
