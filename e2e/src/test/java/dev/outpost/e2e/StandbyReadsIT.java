package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.server.testsupport.TestLiquibase;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reads off the primary: the server configured with a real streaming hot standby ({@code db.standby.*};
 * a base backup of the running primary, replaying its WAL through a physical slot) serves snapshot
 * pages and the stored change history from the standby, and PostgreSQL's statement statistics on
 * both servers show it. A standby that stops replaying only delays what an existing replica sees; a
 * replica built meanwhile reads from the primary and misses nothing; a standby that is gone moves
 * every read to the primary; a server of another database set up as the standby is never read from.
 * Each replica is compared with the primary row by row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandbyReadsIT {
    private static final String NAME = "standby";
    private static final String TOKEN = "standby-token";
    /** Rows per page: the users table is 20 pages. */
    private static final int PAGE_ROWS = 100;

    /** A page of the users table, as PostgreSQL's statement statistics normalise it. */
    private static final String USER_PAGES = "query like 'select % from \"public\".\"users\" t%order by%'";
    /** A read of the change log for a replica. */
    private static final String CHANGE_READS = "query like 'select position, table_name, op, last, vals, shape%'";

    private static final String NEWEST_POSITION = "select coalesce(max(position), 0) from outpost_feed.change_log";

    private OutpostStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.startWithStandby(NAME, TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 20, 100);
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
        });
        try (Connection c = stack.connectAsSuperuser();
                Statement st = c.createStatement()) {
            st.execute("create extension if not exists pg_stat_statements");
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theStandbyServesPagesAndHistoryAndNeverMakesAReplicaMissAChange() throws Exception {
        awaitStandbyHoldsTheFeed();
        Counts before = counts();
        try (OutpostReplica replica = open("first-")) {
            // a snapshot: every page from the standby, none from the primary
            SyncResult created = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, created.outcome(), created.toString());
            assertSameAsPrimary(replica);
            Counts synced = counts();
            assertTrue(
                    synced.standbyPages() - before.standbyPages() >= 2_000 / PAGE_ROWS,
                    "the standby served the pages: " + before + " -> " + synced);
            assertEquals(before.primaryPages(), synced.primaryPages(), "no page from the primary");

            // a backlog: the history from the standby
            write(30);
            awaitStandbyHoldsTheFeed();
            SyncResult caughtUp = replica.sync();
            assertEquals(30 * 100, caughtUp.changesApplied(), caughtUp.toString());
            assertSameAsPrimary(replica);
            Counts history = counts();
            assertTrue(
                    history.standbyChanges() > synced.standbyChanges(),
                    "the standby served the history: " + synced + " -> " + history);
            assertEquals(synced.primaryChanges(), history.primaryChanges(), "no history from the primary");

            // the standby stops replaying: an existing replica sees nothing new yet, and loses nothing
            standby("select pg_wal_replay_pause()");
            write(5);
            SyncResult delayed = replica.sync();
            assertEquals(0, delayed.changesApplied(), "the standby does not have them yet: " + delayed);
            // a replica built meanwhile reads what the standby lacks from the primary, and misses nothing
            try (OutpostReplica meanwhile = open("meanwhile-")) {
                SyncResult built = meanwhile.sync();
                assertEquals(SyncResult.Outcome.CREATED, built.outcome(), built.toString());
                assertSameAsPrimary(meanwhile);
                assertTrue(counts().primaryPages() > history.primaryPages(), "its pages came from the primary");
                write(2);
                meanwhile.sync();
                assertSameAsPrimary(meanwhile);
            }
            standby("select pg_wal_replay_resume()");
            awaitStandbyHoldsTheFeed();
            SyncResult resumed = replica.sync();
            assertEquals(7 * 100, resumed.changesApplied(), resumed.toString());
            assertSameAsPrimary(replica);
        }

        // the standby is gone: the primary serves every read
        stack.stopStandby();
        write(3);
        try (OutpostReplica replica = open("without-")) {
            SyncResult created = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, created.outcome(), created.toString());
            assertSameAsPrimary(replica);
            write(1);
            SyncResult followed = replica.sync();
            assertEquals(100, followed.changesApplied(), followed.toString());
            assertSameAsPrimary(replica);
        }

        // a "standby" of another database (a misconfiguration): the same tables, other rows, a change log
        // that claims every position; the server checks its identity and never reads from it
        EmbeddedPostgres impostor = TestPostgres.start();
        try {
            TestPostgres.createDatabase(impostor, NAME, NAME);
            try (Connection c = impostor.getDatabase(NAME, NAME).getConnection();
                    Statement st = c.createStatement()) {
                TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
                DemoData.release1(c, 20, 100);
                TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
                st.executeUpdate("update users set display_name = 'not from the primary'");
                st.execute("create schema outpost_feed");
                st.execute("create table outpost_feed.change_log (position bigint primary key)");
                st.execute("create table outpost_feed.horizon (after_position bigint not null)");
                st.executeUpdate("insert into outpost_feed.horizon values (" + (Long.MAX_VALUE / 2) + ")");
            }
            try (Connection c = impostor.getPostgresDatabase().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("create extension if not exists pg_stat_statements");
            }
            stack.restartWithStandbyPort(impostor.getPort());
            write(1);
            try (OutpostReplica replica = open("impostor-")) {
                SyncResult created = replica.sync();
                assertEquals(SyncResult.Outcome.CREATED, created.outcome(), created.toString());
                assertSameAsPrimary(replica);
            }
            try (Connection c = impostor.getPostgresDatabase().getConnection()) {
                assertEquals(0, calls(c, USER_PAGES), "no page was read from another database");
                assertEquals(0, calls(c, CHANGE_READS), "no change was read from another database");
            }
        } finally {
            TestPostgres.stop(impostor);
        }
    }

    /** Statement counts: pages of the users table and change-log reads, on the standby and the primary. */
    private record Counts(long standbyPages, long primaryPages, long standbyChanges, long primaryChanges) {}

    private Counts counts() throws SQLException {
        try (Connection standby = stack.connectToStandby(true);
                Connection primary = stack.connectAsSuperuser()) {
            return new Counts(
                    calls(standby, USER_PAGES),
                    calls(primary, USER_PAGES),
                    calls(standby, CHANGE_READS),
                    calls(primary, CHANGE_READS));
        }
    }

    private static long calls(Connection connection, String where) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs =
                        st.executeQuery("select coalesce(sum(calls), 0) from pg_stat_statements where " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code transactions} transactions, each renaming 100 users. */
    private void write(int transactions) throws SQLException {
        try (Connection c = stack.connect();
                Statement st = c.createStatement()) {
            for (int i = 0; i < transactions; i++) {
                st.executeUpdate("update users set display_name = 'renamed " + System.nanoTime()
                        + "' where id in (select id from users order by id limit 100 offset " + (i % 20) * 100 + ")");
            }
        }
    }

    private void standby(String sql) throws SQLException {
        try (Connection c = stack.connectToStandby(true);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Waits until capture stored every change written so far and the standby replayed them. */
    private void awaitStandbyHoldsTheFeed() throws Exception {
        String written;
        try (Connection primary = stack.connect()) {
            written = text(primary, "select pg_current_wal_lsn()::text");
        }
        Conditions.await("capture stores every change written", Duration.ofSeconds(60), () -> {
            try (Connection primary = stack.connect()) {
                return "t"
                        .equals(text(
                                primary,
                                "select confirmed_flush_lsn >= '" + written + "'::pg_lsn"
                                        + " from pg_replication_slots where slot_type = 'logical'"));
            } catch (SQLException e) {
                return false;
            }
        });
        long newest;
        try (Connection primary = stack.connect()) {
            newest = Long.parseLong(text(primary, NEWEST_POSITION));
        }
        Conditions.await("the standby replays them", Duration.ofSeconds(60), () -> {
            try (Connection standby = stack.connectToStandby(false)) {
                return Long.parseLong(text(standby, NEWEST_POSITION)) >= newest;
            } catch (SQLException e) {
                return false;
            }
        });
    }

    private static String text(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private OutpostReplica open(String prefix) throws Exception {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(Files.createTempDirectory(stack.work(), prefix))
                .pageRows(PAGE_ROWS)
                .build());
    }

    private void assertSameAsPrimary(OutpostReplica replica) throws SQLException {
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (String table : new String[] {"companies", "users"}) {
                ReplicaComparison.assertSameRows(pg, derby, table);
            }
        }
    }
}
