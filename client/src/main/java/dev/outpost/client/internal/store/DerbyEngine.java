package dev.outpost.client.internal.store;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded Derby engine: its JVM-wide settings and shutting single databases down. */
final class DerbyEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DerbyEngine.class);

    /** Pages of the page cache; a larger cache speeds up bulk loading. */
    static final String PAGE_CACHE_SIZE = "20000";

    /** Bytes of the log buffer; a larger buffer speeds up bulk loading. */
    static final String LOG_BUFFER_SIZE = "1048576";

    private DerbyEngine() {}

    /**
     * Sets Derby's loading-speed settings and its log file ({@code derby.log} in the first replica
     * directory opened), each only if the application has not set it. Derby reads them when it boots,
     * so this must run before the first Derby connection in the JVM.
     */
    static synchronized void configure(Path replicaDirectory) {
        setIfAbsent("derby.storage.pageCacheSize", PAGE_CACHE_SIZE);
        setIfAbsent("derby.storage.logBufferSize", LOG_BUFFER_SIZE);
        setIfAbsent(
                "derby.stream.error.file", replicaDirectory.resolve("derby.log").toString());
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
