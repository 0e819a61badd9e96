package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The change feed end to end: PostgreSQL with concurrent application writers, the server capturing
 * on Payara Micro, replicas following it. Every test ends with the replica equal to PostgreSQL row for
 * row in every table (canonical text of every value, {@link ReplicaComparison}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChangeFeedIT {
    private static final String TOKEN = "feed-sync-token";
    private static final List<String> TABLES = EndToEndIT.RELEASE_4_TABLES;
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private OutpostStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("feed", TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 30, 30);
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
            TestLiquibase.update(c, TestLiquibase.MASTER, null);
            DemoData.release4(c);
            try (Statement s = c.createStatement()) {
                s.execute("create table feed_log (line text, logged_at timestamptz default now())"); // no key
                s.execute("insert into feed_log (line) values ('first'), ('second')");
                s.execute("create table bulk (id bigint primary key, note text)");
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void writersDuringTheSnapshotAndDuringLiveFollowingLoseNothing() throws Exception {
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        try (OutpostReplica replica = open("live", 40)) {
            replica.addListener(events::add);
            try (RandomWriters writers = new RandomWriters(stack::connect, 4)) {
                // small pages: the snapshot takes many reads while the writers commit between them
                SyncResult created = replica.sync();
                assertEquals(SyncResult.Outcome.CREATED, created.outcome());
                assertTrue(writers.committed() > 0, "writers committed during the snapshot");
                replica.startLiveSync();
                await("live mode applied more than 100 of the writers' changes", () -> applied(events) > 100);
                assertTrue(writers.committed() > 100, "writers kept writing: " + writers.committed());
            }
            awaitSameRows(replica);
            long applied = applied(events);
            assertTrue(applied > 100, "live mode applied the writers' changes: " + applied);
            assertEquals(
                    1,
                    events.stream()
                            .filter(e -> e instanceof SyncEvent.RebuildStarted)
                            .count(),
                    "only the first sync loaded a snapshot");
        }
    }

    @Test
    @Order(2)
    void theServerKilledAndRestartedWhileReplicasFollowLosesNoChangeAndRepeatsNone() throws Exception {
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        try (OutpostReplica replica = open("restart", 1000)) {
            replica.sync();
            replica.addListener(events::add);
            replica.startLiveSync();
            try (RandomWriters writers = new RandomWriters(stack::connect, 3)) {
                await("live mode applied the writers' first changes", () -> applied(events) > 0);
                stack.killServer();
                long atKill = writers.committed();
                await("the replica noticed the server was gone", () -> events.stream()
                        .anyMatch(e -> e instanceof SyncEvent.SyncFailed));
                await("writes continued while the server was down", () -> writers.committed() > atKill);
                stack.restartServer();
                long atRestart = applied(events);
                await("live mode applied changes from the restarted server", () -> applied(events) > atRestart);
            }
            awaitSameRows(replica);
            assertTrue(
                    events.stream().anyMatch(e -> e instanceof SyncEvent.SyncFailed),
                    "the replica noticed the server was gone: " + events);
            Conditions.assertFollowedWithoutRebuild(events);
        }
    }

    @Test
    @Order(3)
    void aClientKilledInTheMiddleOfABatchResumesFromItsStoredPosition() throws Exception {
        Path replicaDir = stack.work().resolve("killed");
        String[] args = {
            "--server", stack.server().baseUri().toString(), "--token", TOKEN, "--replica", replicaDir.toString()
        };
        Cli.Run created = Cli.run(stack.runDir(), prepend("sync", args));
        assertEquals(0, created.exit(), created.toString());
        int rowsEach = 500;
        // one transaction across the next multiple of 10,000 positions, followed: the history's next
        // answer then goes to the multiple after (docs/protocol.md), 10,000 changes in one answer
        long crossed = (maxPosition() / 10_000 + 1) * 10_000;
        long padding = storedChanges();
        try (Connection c = stack.connect();
                Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            for (long at = maxPosition(c); at < crossed; at += rowsEach) {
                s.executeUpdate("update users set phone = '+2 " + at + "' || id where id in"
                        + " (select id from users order by id limit " + rowsEach + ")");
            }
            c.commit();
        }
        awaitStoredChanges(padding + 1);
        assertEquals(0, Cli.run(stack.runDir(), prepend("sync", args)).exit());
        long stored = storedChanges();
        // transactions of 500 row updates: that answer commits after 5,000 and at its end
        int transactions = 30;
        try (Connection c = stack.connect();
                Statement s = c.createStatement()) {
            for (int i = 0; i < transactions; i++) {
                s.executeUpdate("update users set phone = '+1 " + i + "' || id where id in"
                        + " (select id from users order by id limit " + rowsEach + ")");
            }
        }
        long changes = (long) transactions * rowsEach;
        awaitStoredChanges(stored + changes);
        // pause points: 1 = the version check, 2 = the first commit of applied changes, 3 = the second
        CrashingCli.Run killed = CrashingCli.sync(stack.runDir(), 3, args);
        assertTrue(killed.killed(), killed.output());
        assertTrue(killed.killedAt().startsWith("commit of the changes"), killed.killedAt());

        // the position the replica stored with the last batch it committed before the kill
        Cli.Run status = Cli.run(stack.runDir(), prepend("status", args));
        assertEquals(0, status.exit(), status.toString());
        long storedPosition = Long.parseLong(status.out().replaceAll("(?s).*feed position (\\d+).*", "$1"));
        long afterStored = count("outpost_feed.change_log where position > " + storedPosition);
        assertTrue(afterStored > 0 && afterStored < changes, "killed midway: " + afterStored + " of " + changes);

        Cli.Run resumed = Cli.run(stack.runDir(), prepend("sync", args));
        assertEquals(0, resumed.exit(), resumed.toString());
        assertTrue(resumed.out().startsWith("UP_TO_DATE"), resumed.toString());
        long appliedAgain = Long.parseLong(resumed.out().replaceAll("(?s).*changes applied: (\\d+).*", "$1"));
        // the batches committed before the kill are kept: exactly the changes after the stored position are applied
        assertEquals(afterStored, appliedAgain, "resumed from its stored position " + storedPosition);
        try (OutpostReplica replica = open("killed", 1000)) {
            assertSameRows(replica);
        }
    }

    @Test
    @Order(4)
    void aPositionBeforeTheRetentionHorizonRebuildsOnceAndConverges() throws Exception {
        try (OutpostReplica replica = open("horizon", 1000)) {
            replica.sync();
            String before = currentDb("horizon");
            long stored = storedChanges();
            try (RandomWriters writers = new RandomWriters(stack::connect, 2)) {
                await("the writers committed", () -> writers.committed() > 20);
            }
            awaitStoredChanges(stored + 1);
            try (Connection c = stack.connect();
                    Statement s = c.createStatement()) {
                // what retention does when the horizon passes: the changes up to it are gone
                s.executeUpdate("update outpost_feed.horizon set after_position ="
                        + " (select max(position) from outpost_feed.change_log)");
                s.executeUpdate("delete from outpost_feed.change_log"
                        + " where position <= (select after_position from outpost_feed.horizon)");
            }
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, result.outcome(), "the version did not change");
            assertNotEquals(before, currentDb("horizon"), "a new snapshot replaced the replica");
            assertSameRows(replica);
        }
    }

    @Test
    @Order(5)
    void aTableTheFeedCannotFollowIsLoadedAgainWhenItsRowsChangedAndOnlyThen() throws Exception {
        try (OutpostReplica replica = open("keyless", 1000)) {
            replica.sync();
            SyncResult unchanged = replica.sync();
            assertEquals(List.of(), unchanged.tablesReloaded(), "nothing changed: nothing reloaded");
            try (Connection c = stack.connect();
                    Statement s = c.createStatement()) {
                s.executeUpdate("insert into feed_log (line) values ('third')");
                s.executeUpdate("delete from feed_log where line = 'first'");
            }
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            replica.addListener(events::add);
            SyncResult changed = replica.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, changed.outcome());
            assertEquals(List.of("feed_log"), changed.tablesReloaded());
            assertTrue(events.contains(new SyncEvent.TableLoaded("feed_log", 2)), events.toString());
            try (Connection pg = stack.connect();
                    Connection derby = replica.openConnection()) {
                assertEquals(2, ReplicaComparison.assertSameRows(pg, derby, "feed_log"));
            }
        }
    }

    @Test
    @Order(6)
    void rowsCommittedBeforeTheSnapshotAreNotAppliedAgainFromTheFeed() throws Exception {
        try (Connection c = stack.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("insert into bulk select g, 'note ' || g from generate_series(1, 200000) g");
        }
        // at once, while capture is still storing those 200,000 changes
        try (OutpostReplica replica = open("bulk", 50_000)) {
            SyncResult created = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, created.outcome());
            assertEquals(0, created.changesApplied(), "the rows came with the snapshot, none again from the feed");

            try (Connection c = stack.connect();
                    Statement s = c.createStatement()) {
                for (int i = 1; i <= 3; i++) {
                    s.executeUpdate("update bulk set note = 'after " + i + "' where id = " + i);
                }
            }
            long applied = 0;
            long deadline = System.nanoTime() + CONVERGE.toNanos();
            while (applied < 3) {
                assertTrue(System.nanoTime() < deadline, "3 changes committed after the snapshot, applied " + applied);
                applied += replica.sync().changesApplied();
                Thread.sleep(100);
            }
            assertEquals(3, applied, "exactly the changes committed after the snapshot");
            try (Connection pg = stack.connect();
                    Connection derby = replica.openConnection()) {
                assertEquals(200_000, ReplicaComparison.assertSameRows(pg, derby, "bulk"));
            }
        }
    }

    private OutpostReplica open(String name, int pageRows) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(stack.work().resolve(name))
                .pageRows(pageRows)
                .checkInterval(Duration.ofSeconds(30))
                .build());
    }

    /** Waits until the replica equals PostgreSQL (it follows the feed asynchronously), then asserts it. */
    private void awaitSameRows(OutpostReplica replica) throws Exception {
        Conditions.eventually(CONVERGE, () -> assertSameRows(replica));
    }

    private void assertSameRows(OutpostReplica replica) throws Exception {
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (String table : TABLES) {
                ReplicaComparison.assertSameRows(pg, derby, table);
            }
        }
    }

    private static long applied(List<SyncEvent> events) {
        return Conditions.applied(events);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Conditions.await(what, CONVERGE, condition);
    }

    private long storedChanges() throws Exception {
        return count("outpost_feed.change_log");
    }

    private void awaitStoredChanges(long atLeast) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (storedChanges() < atLeast) {
            assertTrue(System.nanoTime() < deadline, "the server did not capture the changes in time");
            Thread.sleep(200);
        }
    }

    /** The newest position in the change log. */
    private long maxPosition() throws Exception {
        try (Connection c = stack.connect()) {
            return maxPosition(c);
        }
    }

    /** The newest position in the change log as {@code c}'s transaction sees it. */
    private static long maxPosition(Connection c) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select coalesce(max(position), 0) from outpost_feed.change_log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long count(String table) throws Exception {
        try (Connection c = stack.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String currentDb(String replica) throws Exception {
        return Files.readString(stack.work().resolve(replica).resolve("CURRENT"))
                .trim();
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
