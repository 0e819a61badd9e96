package dev.outpost.server.access.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A stored token's scope as a request is authenticated with it, against a real PostgreSQL. */
class TokenLookupIT {
    @Test
    void aReplicaTokenWithoutGrantsMayReadNothingAndGrantsAndAttributesMakeItsScope() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("token_lookup")) {
            AccessTables.create(c);
            AccessTables.create(c); // idempotent
            String secret = TokenSecrets.generate();
            long id;
            try (PreparedStatement st = c.prepareStatement("insert into " + AccessTables.TOKENS
                    + " (name, role, secret_sha256) values ('t', 'replica', ?) returning id")) {
                st.setBytes(1, TokenSecrets.hash(secret));
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            StoredToken bare = TokenLookup.load(c, TokenSecrets.hash(secret)).orElseThrow();
            assertEquals(new AccessScope(false, Map.of(), Map.of()), bare.scope(), "default-deny");
            assertFalse(bare.scope().grant("users").isPresent());
            assertTrue(bare.usable(Instant.now()));
            assertEquals(TokenRole.REPLICA, bare.role());

            c.createStatement()
                    .execute("insert into " + AccessTables.GRANTS + " values (" + id + ", 'users', null,"
                            + " 'company_id = :company'), (" + id + ", 'companies', '{id,name}', null)");
            c.createStatement()
                    .execute("insert into " + AccessTables.ATTRIBUTES + " values (" + id + ", 'company', '{7,8}')");
            c.createStatement().execute("update " + AccessTables.TOKENS + " set revoked_at = now() where id = " + id);
            StoredToken granted = TokenLookup.load(c, TokenSecrets.hash(secret)).orElseThrow();
            assertEquals(
                    new TableGrant("users", Optional.empty(), Optional.of("company_id = :company")),
                    granted.scope().grant("users").orElseThrow());
            assertEquals(
                    new TableGrant("companies", Optional.of(List.of("id", "name")), Optional.empty()),
                    granted.scope().grant("companies").orElseThrow());
            assertEquals(Map.of("company", List.of("7", "8")), granted.scope().attributes());
            assertFalse(granted.scope().unrestricted());
            assertFalse(granted.usable(Instant.now()), "revoked");
            assertTrue(TokenLookup.load(c, TokenSecrets.hash(secret + "x")).isEmpty());
        }
    }

    @Test
    void manySecretsAreLookedUpTogetherAsEachAlone() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("token_lookup_all")) {
            AccessTables.create(c);
            List<String> keys = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String secret = TokenSecrets.generate();
                keys.add(java.util.HexFormat.of().formatHex(TokenSecrets.hash(secret)));
                try (PreparedStatement st = c.prepareStatement("insert into " + AccessTables.TOKENS
                        + " (name, role, secret_sha256) values (?, 'replica', ?) returning id")) {
                    st.setString(1, "t" + i);
                    st.setBytes(2, TokenSecrets.hash(secret));
                    try (ResultSet rs = st.executeQuery()) {
                        rs.next();
                        long id = rs.getLong(1);
                        if (i > 0) {
                            c.createStatement()
                                    .execute("insert into " + AccessTables.GRANTS + " values (" + id
                                            + ", 'users', null," + " 'company_id = :company')");
                            c.createStatement()
                                    .execute("insert into " + AccessTables.ATTRIBUTES + " values (" + id
                                            + ", 'company', '{" + i + "}')");
                        }
                    }
                }
            }
            String unknown = java.util.HexFormat.of().formatHex(TokenSecrets.hash("not a stored secret"));
            List<String> asked = new java.util.ArrayList<>(keys);
            asked.add(unknown);
            Map<String, StoredToken> together = TokenLookup.loadAll(c, asked);
            assertEquals(keys.size(), together.size(), together.toString());
            for (String key : keys) {
                assertEquals(
                        TokenLookup.load(c, java.util.HexFormat.of().parseHex(key))
                                .orElseThrow(),
                        together.get(key));
            }
            assertEquals(
                    Map.of("company", List.of("2")),
                    together.get(keys.get(2)).scope().attributes());
            assertTrue(together.get(keys.get(0)).scope().grants().isEmpty(), "default-deny");
        }
    }
}
