package dev.outpost.server.access.store;

import dev.outpost.protocol.AuditEntry;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.TokenInfo;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.problem.ProblemException;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Creates, lists, changes and revokes stored tokens; each change is one transaction together with its
 * audit record. Grants are stored as given: validating them is the caller's job.
 */
@ApplicationScoped
public class PostgresTokenStore {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private TokenLookup lookups;

    /** What a creation answers: the secret, shown this once, and the stored token. */
    public record Created(String secret, TokenInfo token) {}

    /** Stores a new token with a new secret; {@code who} is the admin, for the audit. */
    public Created create(TokenChanges token, String who) throws SQLException {
        String secret = TokenSecrets.generate();
        return inTransaction(connection -> {
            requireNameFree(connection, token.name(), -1);
            long id;
            try (PreparedStatement st = connection.prepareStatement("insert into " + AccessTables.TOKENS
                    + " (name, role, secret_sha256, expires_at) values (?, ?, ?, ?) returning id")) {
                st.setString(1, token.name());
                st.setString(2, token.role().wireName());
                st.setBytes(3, TokenSecrets.hash(secret));
                setInstant(st, 4, token.expires().orElse(null));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            writeGrants(connection, id, token.grants() == null ? List.of() : token.grants());
            writeAttributes(connection, id, token.attributes() == null ? Map.of() : token.attributes());
            audit(connection, who, "token.create", id, token.describe());
            return new Created(secret, read(connection, id).orElseThrow());
        });
    }

    /** Every token, revoked ones included, by id; the reading is audited. */
    public List<TokenInfo> list(String who) throws SQLException {
        return inTransaction(connection -> {
            List<TokenInfo> tokens = new ArrayList<>();
            try (PreparedStatement st =
                            connection.prepareStatement("select id from " + AccessTables.TOKENS + " order by id");
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    tokens.add(read(connection, rs.getLong(1)).orElseThrow());
                }
            }
            audit(connection, who, "token.list", null, tokens.size() + " tokens");
            return tokens;
        });
    }

    /** One token as stored, not audited (for checking a change against it). */
    public Optional<TokenInfo> find(long id) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection, id);
        }
    }

    /** One token, or 404; the reading is audited. */
    public TokenInfo get(long id, String who) throws SQLException {
        return inTransaction(connection -> {
            TokenInfo token = read(connection, id).orElseThrow(() -> unknown(id));
            audit(connection, who, "token.get", id, "name=" + token.name());
            return token;
        });
    }

    /** Replaces what {@code changes} has; 404 for an unknown token, 409 for a revoked one. */
    public TokenInfo update(long id, TokenChanges changes, String who) throws SQLException {
        return changing(connection -> {
            lockLive(connection, id, "changed");
            if (changes.name() != null) {
                requireNameFree(connection, changes.name(), id);
                execute(connection, "update " + AccessTables.TOKENS + " set name = ? where id = ?", changes.name(), id);
            }
            if (changes.expires() != null) {
                try (PreparedStatement st = connection.prepareStatement(
                        "update " + AccessTables.TOKENS + " set expires_at = ? where id = ?")) {
                    setInstant(st, 1, changes.expires().orElse(null));
                    st.setLong(2, id);
                    st.executeUpdate();
                }
            }
            if (changes.grants() != null) {
                execute(connection, "delete from " + AccessTables.GRANTS + " where token_id = ?", id);
                writeGrants(connection, id, changes.grants());
            }
            if (changes.attributes() != null) {
                execute(connection, "delete from " + AccessTables.ATTRIBUTES + " where token_id = ?", id);
                writeAttributes(connection, id, changes.attributes());
            }
            audit(connection, who, "token.update", id, changes.describe());
            return read(connection, id).orElseThrow();
        });
    }

    /** Revokes the token for good; 404 for an unknown token, 409 for one revoked already. */
    public TokenInfo revoke(long id, String who) throws SQLException {
        return changing(connection -> {
            String name = lockLive(connection, id, "revoked");
            execute(connection, "update " + AccessTables.TOKENS + " set revoked_at = now() where id = ?", id);
            audit(connection, who, "token.revoke", id, "name=" + name);
            return read(connection, id).orElseThrow();
        });
    }

    /**
     * The newest audit records first, at most {@code limit}, only those about {@code tokenId} if given;
     * the reading is audited after it.
     */
    public List<AuditEntry> audit(int limit, Optional<Long> tokenId, String who) throws SQLException {
        List<AuditEntry> entries = readAudit(limit, tokenId);
        inTransaction(connection -> {
            audit(connection, who, "audit.list", tokenId.orElse(null), entries.size() + " records");
            return null;
        });
        return entries;
    }

    private List<AuditEntry> readAudit(int limit, Optional<Long> tokenId) throws SQLException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement st = connection.prepareStatement("select id, who, what, token_id, at, detail from "
                        + AccessTables.AUDIT + " where (?::bigint is null or token_id = ?::bigint)"
                        + " order by id desc limit ?")) {
            st.setObject(1, tokenId.orElse(null), Types.BIGINT);
            st.setObject(2, tokenId.orElse(null), Types.BIGINT);
            st.setInt(3, limit);
            List<AuditEntry> entries = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long token = rs.getLong(4);
                    entries.add(new AuditEntry(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.wasNull() ? null : token,
                            time(rs.getTimestamp(5)),
                            rs.getString(6)));
                }
            }
            return entries;
        }
    }

    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /** A change to a live token: once committed, this instance's cached lookups are stale. */
    private <T> T changing(Work<T> work) throws SQLException {
        T result = inTransaction(work);
        lookups.changed();
        return result;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** Locks a token that is not revoked and returns its name. */
    private static String lockLive(Connection connection, long id, String verb) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "select name, revoked_at is not null from " + AccessTables.TOKENS + " where id = ? for update")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    throw unknown(id);
                }
                if (rs.getBoolean(2)) {
                    throw new ProblemException(
                            ProblemType.CONFLICT, "token " + id + " is revoked and cannot be " + verb);
                }
                return rs.getString(1);
            }
        }
    }

    private static void requireNameFree(Connection connection, String name, long except) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "select id from " + AccessTables.TOKENS + " where name = ? and revoked_at is null and id <> ?")) {
            st.setString(1, name);
            st.setLong(2, except);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next()) {
                    throw new ProblemException(
                            ProblemType.CONFLICT, "name: token " + rs.getLong(1) + " is called '" + name + "' already");
                }
            }
        }
    }

    private static void writeGrants(Connection connection, long id, List<TableGrant> grants) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("insert into " + AccessTables.GRANTS
                + " (token_id, table_name, columns, row_filter) values (?, ?, ?, ?)")) {
            for (TableGrant grant : grants) {
                st.setLong(1, id);
                st.setString(2, grant.table());
                st.setArray(
                        3,
                        grant.columns().isEmpty()
                                ? null
                                : connection.createArrayOf(
                                        "text", grant.columns().get().toArray()));
                st.setString(4, grant.rowFilter().orElse(null));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static void writeAttributes(Connection connection, long id, Map<String, List<String>> attributes)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "insert into " + AccessTables.ATTRIBUTES + " (token_id, name, vals) values (?, ?, ?)")) {
            for (Map.Entry<String, List<String>> a : attributes.entrySet()) {
                st.setLong(1, id);
                st.setString(2, a.getKey());
                st.setArray(3, connection.createArrayOf("text", a.getValue().toArray()));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    private static void audit(Connection connection, String who, String what, Long tokenId, String detail)
            throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "insert into " + AccessTables.AUDIT + " (who, what, token_id, detail) values (?, ?, ?, ?)")) {
            st.setString(1, who);
            st.setString(2, what);
            st.setObject(3, tokenId, Types.BIGINT);
            st.setString(4, detail);
            st.executeUpdate();
        }
    }

    private static Optional<TokenInfo> read(Connection connection, long id) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("select name, role, created_at, last_used_at,"
                + " expires_at, revoked_at from " + AccessTables.TOKENS + " where id = ?")) {
            st.setLong(1, id);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<TokenInfo.Grant> grants = new ArrayList<>();
                for (TableGrant g : TokenLookup.grants(connection, id)) {
                    grants.add(new TokenInfo.Grant(
                            g.table(), g.columns().orElse(null), g.rowFilter().orElse(null)));
                }
                return Optional.of(new TokenInfo(
                        id,
                        rs.getString(1),
                        rs.getString(2),
                        time(rs.getTimestamp(3)),
                        time(rs.getTimestamp(4)),
                        time(rs.getTimestamp(5)),
                        time(rs.getTimestamp(6)),
                        grants,
                        TokenLookup.attributes(connection, id)));
            }
        }
    }

    private static void execute(Connection connection, String sql, Object... params) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                st.setObject(i + 1, params[i]);
            }
            st.executeUpdate();
        }
    }

    private static void setInstant(PreparedStatement st, int index, Instant instant) throws SQLException {
        st.setObject(
                index,
                instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC),
                Types.TIMESTAMP_WITH_TIMEZONE);
    }

    private static OffsetDateTime time(Timestamp timestamp) {
        return timestamp == null ? null : OffsetDateTime.ofInstant(timestamp.toInstant(), ZoneOffset.UTC);
    }

    private static ProblemException unknown(long id) {
        return new ProblemException(ProblemType.NOT_FOUND, "no token with id " + id);
    }
}
