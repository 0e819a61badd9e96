package dev.outpost.server.access.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The token store's tables made by an older server take the roles added since, once. */
class AccessTablesIT {
    @Test
    void aStoreMadeBeforeTheMetricsRoleAcceptsItAfterTheNextStartAndKeepsItsCheckAfterThat() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("access_tables_upgrade");
                Statement st = c.createStatement()) {
            st.execute("create schema " + FeedTables.SCHEMA);
            st.execute("create table " + AccessTables.TOKENS + " (id bigint generated always as identity primary key,"
                    + " name text not null, role text not null check (role in ('replica', 'writer', 'admin')),"
                    + " secret_sha256 bytea not null unique, created_at timestamptz not null default now(),"
                    + " last_used_at timestamptz, expires_at timestamptz, revoked_at timestamptz)");
            assertThrows(SQLException.class, () -> insert(st, "metrics", "old"), "the old check refuses it");

            AccessTables.create(c);
            insert(st, "metrics", "scraper");
            long check = checkOid(st);
            AccessTables.create(c);
            assertEquals(check, checkOid(st), "a check naming every role is left as it is");
            assertThrows(SQLException.class, () -> insert(st, "root", "nobody"), "still a check");
        }
    }

    private static void insert(Statement st, String role, String name) throws SQLException {
        st.execute("insert into " + AccessTables.TOKENS + " (name, role, secret_sha256) values ('" + name + "', '"
                + role + "', '\\x" + Integer.toHexString(name.hashCode()) + "')");
    }

    private static long checkOid(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("select oid from pg_constraint where conname = 'tokens_role_check'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
