package dev.outpost.server.access.store;

import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Tells requests that wait (long polls) when their stored token was revoked or expired meanwhile.
 * Whatever the number of waiting requests, one query checks all their tokens, at most every {@value
 * #CHECK_MILLIS} ms.
 */
@ApplicationScoped
public class RevocationWatch {
    static final long CHECK_MILLIS = 500;

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    private final ConcurrentHashMap<Long, AtomicInteger> waiting = new ConcurrentHashMap<>();
    private final Object checkLock = new Object();
    private volatile Set<Long> unusable = Set.of();
    private long checkedNanos;

    /** A waiting request's view of its token; close it when the request stops waiting. */
    public final class Watched implements AutoCloseable {
        private final long id;

        private Watched(long id) {
            this.id = id;
            waiting.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        }

        /** Whether the token still authenticates requests, as checked at most {@value #CHECK_MILLIS} ms ago. */
        public boolean usable() throws SQLException {
            refresh();
            return !unusable.contains(id);
        }

        @Override
        public void close() {
            waiting.computeIfPresent(id, (k, n) -> n.decrementAndGet() == 0 ? null : n);
        }
    }

    /** Starts watching the stored token {@code id} for a request that waits. */
    public Watched watch(long id) {
        return new Watched(id);
    }

    private void refresh() throws SQLException {
        synchronized (checkLock) {
            long now = System.nanoTime();
            if (checkedNanos != 0 && now - checkedNanos < CHECK_MILLIS * 1_000_000) {
                return;
            }
            Set<Long> ids = Set.copyOf(waiting.keySet());
            Set<Long> found = new HashSet<>();
            if (!ids.isEmpty()) {
                try (Connection connection = dataSource.getConnection();
                        PreparedStatement st = connection.prepareStatement("select id from " + AccessTables.TOKENS
                                + " where id = any(?) and (revoked_at is not null or expires_at <= now())")) {
                    st.setArray(1, connection.createArrayOf("bigint", ids.toArray()));
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            found.add(rs.getLong(1));
                        }
                    }
                }
            }
            unusable = Set.copyOf(found);
            checkedNanos = System.nanoTime();
        }
    }
}
