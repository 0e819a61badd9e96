package dev.outpost.server.access.store;

import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Finds the stored token of a secret by its SHA-256. A lookup is reused for at most {@value
 * #MAX_AGE_MILLIS} ms, so a revocation or a changed grant reaches every instance's next request within
 * that time while a busy client costs at most one query a second. Uses are recorded in memory and
 * written to {@code last_used_at} at most every {@value #LAST_USED_FLUSH_MILLIS} ms per instance (and
 * when the application stops), in one statement for all tokens used meanwhile.
 */
@ApplicationScoped
public class TokenLookup {
    /** How long a lookup is reused. */
    public static final long MAX_AGE_MILLIS = 1_000;

    static final long LAST_USED_FLUSH_MILLIS = 10_000;

    private static final Logger LOG = Logger.getLogger(TokenLookup.class.getName());
    private static final int MAX_CACHED = 10_000;

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<Long, Instant> used = new ConcurrentHashMap<>();
    private final AtomicLong lastFlush = new AtomicLong(System.nanoTime());

    private record Cached(long loadedNanos, Optional<StoredToken> token) {}

    /** The stored token whose secret this is, revoked and expired ones included; empty if none. */
    public Optional<StoredToken> find(String secret) throws SQLException {
        byte[] hash = TokenSecrets.hash(secret);
        String key = HexFormat.of().formatHex(hash);
        long now = System.nanoTime();
        Cached cached = cache.get(key);
        if (cached != null && now - cached.loadedNanos() < MAX_AGE_MILLIS * 1_000_000) {
            return cached.token();
        }
        Optional<StoredToken> token;
        try (Connection connection = dataSource.getConnection()) {
            token = load(connection, hash);
        }
        if (cache.size() >= MAX_CACHED) {
            cache.values().removeIf(c -> now - c.loadedNanos() >= MAX_AGE_MILLIS * 1_000_000);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        cache.put(key, new Cached(now, token));
        return token;
    }

    /** Records that the token authenticated a request now; written later with others. */
    public void used(long id) {
        used.put(id, Instant.now());
        long last = lastFlush.get();
        if (System.nanoTime() - last >= LAST_USED_FLUSH_MILLIS * 1_000_000
                && lastFlush.compareAndSet(last, System.nanoTime())) {
            flushUses();
        }
    }

    @PreDestroy
    void flushUses() {
        if (used.isEmpty()) {
            return;
        }
        Map<Long, Instant> batch = new LinkedHashMap<>();
        for (Long id : List.copyOf(used.keySet())) {
            Instant at = used.remove(id);
            if (at != null) {
                batch.put(id, at);
            }
        }
        try (Connection connection = dataSource.getConnection();
                PreparedStatement st = connection.prepareStatement("update " + AccessTables.TOKENS
                        + " t set last_used_at = greatest(t.last_used_at, u.at)"
                        + " from unnest(?::bigint[], ?::timestamptz[]) as u(id, at) where t.id = u.id")) {
            st.setArray(1, connection.createArrayOf("bigint", batch.keySet().toArray()));
            st.setArray(
                    2,
                    connection.createArrayOf(
                            "timestamptz",
                            batch.values().stream().map(Timestamp::from).toArray()));
            st.executeUpdate();
        } catch (SQLException e) {
            LOG.log(Level.WARNING, e, () -> "could not record when tokens were last used: " + e.getMessage());
        }
    }

    /** The token with this secret hash, with its grants and attributes. */
    static Optional<StoredToken> load(Connection connection, byte[] hash) throws SQLException {
        long id;
        String name;
        TokenRole role;
        Optional<Instant> expires;
        boolean revoked;
        try (PreparedStatement st = connection.prepareStatement("select id, name, role, expires_at,"
                + " revoked_at is not null from " + AccessTables.TOKENS + " where secret_sha256 = ?")) {
            st.setBytes(1, hash);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getLong(1);
                name = rs.getString(2);
                role = TokenRole.of(rs.getString(3)).orElseThrow();
                expires = Optional.ofNullable(rs.getTimestamp(4)).map(Timestamp::toInstant);
                revoked = rs.getBoolean(5);
            }
        }
        return Optional.of(new StoredToken(id, name, role, expires, revoked, scope(connection, id)));
    }

    /** The token's grants and attributes: default-deny, nothing but what it was granted. */
    static AccessScope scope(Connection connection, long id) throws SQLException {
        Map<String, TableGrant> grants = new LinkedHashMap<>();
        for (TableGrant grant : grants(connection, id)) {
            grants.put(grant.table(), grant);
        }
        return new AccessScope(false, grants, attributes(connection, id));
    }

    /** The token's grants, by table name. */
    static List<TableGrant> grants(Connection connection, long id) throws SQLException {
        List<TableGrant> grants = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select table_name, columns, row_filter from "
                + AccessTables.GRANTS + " where token_id = ? order by table_name")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    grants.add(new TableGrant(
                            rs.getString(1),
                            Optional.ofNullable(texts(rs.getArray(2))),
                            Optional.ofNullable(rs.getString(3))));
                }
            }
        }
        return grants;
    }

    /** The token's attributes, by name. */
    static Map<String, List<String>> attributes(Connection connection, long id) throws SQLException {
        Map<String, List<String>> attributes = new LinkedHashMap<>();
        try (PreparedStatement st = connection.prepareStatement(
                "select name, vals from " + AccessTables.ATTRIBUTES + " where token_id = ? order by name")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    attributes.put(rs.getString(1), texts(rs.getArray(2)));
                }
            }
        }
        return attributes;
    }

    private static List<String> texts(Array array) throws SQLException {
        if (array == null) {
            return null;
        }
        try {
            return List.of((String[]) array.getArray());
        } finally {
            array.free();
        }
    }
}
