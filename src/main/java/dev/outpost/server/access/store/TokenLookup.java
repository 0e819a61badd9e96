package dev.outpost.server.access.store;

import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.version.CoalescedRead;
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
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Finds the stored token of a secret by its SHA-256. A lookup is reused for at most {@value
 * #MAX_AGE_MILLIS} ms, so a revocation or a changed grant reaches every instance's next request within
 * that time; on the instance that made the change (through {@link PostgresTokenStore}) it counts from
 * the change's very next request, since every lookup older than the change is then stale. A secret seen
 * before is then looked up again together with every other cached one, in
 * three queries whatever their number, so that many replicas with tokens of their own cost PostgreSQL
 * what one does; only a secret not seen before is looked up alone. Uses are recorded in memory and
 * written to {@code last_used_at} at most every {@value #LAST_USED_FLUSH_MILLIS} ms per instance (and
 * when the application stops), in one statement for all tokens used meanwhile.
 */
@ApplicationScoped
public class TokenLookup {
    /** How long a lookup is reused. */
    public static final long MAX_AGE_MILLIS = 1_000;

    static final long LAST_USED_FLUSH_MILLIS = 10_000;

    private static final Logger LOG = Logger.getLogger(TokenLookup.class.getName());
    private static final long MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(MAX_AGE_MILLIS);
    private static final int MAX_CACHED = 10_000;

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<Long, Instant> used = new ConcurrentHashMap<>();
    private final AtomicLong lastFlush = new AtomicLong(System.nanoTime());
    /** Lookups loaded before this instant are stale: a token changed here after them. */
    private volatile long changedNanos = System.nanoTime();

    private record Cached(long loadedNanos, Optional<StoredToken> token) {}

    private final CoalescedRead<Long> reloads = new CoalescedRead<>(this::reloadAll, System::nanoTime);

    /** The stored token whose secret this is, revoked and expired ones included; empty if none. */
    public Optional<StoredToken> find(String secret) throws SQLException {
        byte[] hash = TokenSecrets.hash(secret);
        String key = HexFormat.of().formatHex(hash);
        long now = System.nanoTime();
        Cached cached = cache.get(key);
        if (fresh(cached, now)) {
            return cached.token();
        }
        if (cached != null) {
            // a secret seen before: looked up again together with every other one cached here
            long oldest = now - MAX_AGE_NANOS;
            reloads.get(changedNanos - oldest > 0 ? changedNanos : oldest);
            cached = cache.get(key);
            if (fresh(cached, now)) {
                return cached.token();
            }
        }
        long loaded = System.nanoTime();
        Optional<StoredToken> token;
        try (Connection connection = dataSource.getConnection()) {
            token = load(connection, hash);
        }
        if (cache.size() >= MAX_CACHED) {
            cache.values().removeIf(c -> loaded - c.loadedNanos() >= MAX_AGE_NANOS);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
        }
        keep(key, new Cached(loaded, token));
        return token;
    }

    private boolean fresh(Cached cached, long now) {
        return cached != null && now - cached.loadedNanos() < MAX_AGE_NANOS && cached.loadedNanos() - changedNanos >= 0;
    }

    /**
     * Makes every lookup cached so far stale, once a token's change has committed: the admin who
     * changed a grant or revoked a token sees it take effect on this instance's next request.
     */
    void changed() {
        changedNanos = System.nanoTime();
    }

    /**
     * Looks up every cached secret again, in three queries (a secret no longer found is cached as
     * unknown); one reload at a time for all the requests that need one.
     */
    private Long reloadAll() throws SQLException {
        long started = System.nanoTime();
        List<String> keys = List.copyOf(cache.keySet());
        if (keys.isEmpty()) {
            return started;
        }
        Map<String, StoredToken> found;
        try (Connection connection = dataSource.getConnection()) {
            found = loadAll(connection, keys);
        }
        for (String key : keys) {
            keep(key, new Cached(started, Optional.ofNullable(found.get(key))));
        }
        return started;
    }

    /** Caches a lookup unless a newer one of the same secret is cached already. */
    private void keep(String key, Cached lookup) {
        cache.merge(key, lookup, (old, now) -> now.loadedNanos() - old.loadedNanos() >= 0 ? now : old);
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
        String key = HexFormat.of().formatHex(hash);
        return Optional.ofNullable(loadAll(connection, List.of(key)).get(key));
    }

    /**
     * The tokens whose secret hashes these are (in hex), by hash, each with its grants and attributes
     * (default-deny: nothing but what it was granted): three queries however many there are.
     */
    static Map<String, StoredToken> loadAll(Connection connection, Collection<String> hexHashes) throws SQLException {
        record Row(String key, long id, String name, TokenRole role, Optional<Instant> expires, boolean revoked) {}
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("select encode(secret_sha256, 'hex'), id, name, role,"
                + " expires_at, revoked_at is not null from " + AccessTables.TOKENS
                + " where secret_sha256 in (select decode(h, 'hex') from unnest(?::text[]) as h)")) {
            st.setArray(1, connection.createArrayOf("text", hexHashes.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(
                            rs.getString(1),
                            rs.getLong(2),
                            rs.getString(3),
                            TokenRole.of(rs.getString(4)).orElseThrow(),
                            Optional.ofNullable(rs.getTimestamp(5)).map(Timestamp::toInstant),
                            rs.getBoolean(6)));
                }
            }
        }
        if (rows.isEmpty()) {
            return Map.of();
        }
        Array ids =
                connection.createArrayOf("bigint", rows.stream().map(Row::id).toArray());
        Map<Long, Map<String, TableGrant>> grants = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement("select token_id, table_name, columns, row_filter from "
                + AccessTables.GRANTS + " where token_id = any(?) order by token_id, table_name")) {
            st.setArray(1, ids);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    TableGrant grant = new TableGrant(
                            rs.getString(2),
                            Optional.ofNullable(texts(rs.getArray(3))),
                            Optional.ofNullable(rs.getString(4)));
                    grants.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                            .put(grant.table(), grant);
                }
            }
        }
        Map<Long, Map<String, List<String>>> attributes = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement("select token_id, name, vals from "
                + AccessTables.ATTRIBUTES + " where token_id = any(?) order by token_id, name")) {
            st.setArray(1, ids);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    attributes
                            .computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                            .put(rs.getString(2), texts(rs.getArray(3)));
                }
            }
        }
        Map<String, StoredToken> tokens = new HashMap<>();
        for (Row r : rows) {
            AccessScope scope = new AccessScope(
                    false, grants.getOrDefault(r.id(), Map.of()), attributes.getOrDefault(r.id(), Map.of()));
            tokens.put(r.key(), new StoredToken(r.id(), r.name(), r.role(), r.expires(), r.revoked(), scope));
        }
        return tokens;
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
