package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live mode end to end, stopped as a user stops it: {@code outpost sync --live} as a process, following
 * concurrent application writers, ended by SIGINT (Ctrl-C) or SIGTERM within a second with its replica
 * intact (readable, and equal to PostgreSQL after the next sync); the library's {@link
 * OutpostReplica#close()} ends live mode within a second too. With {@code --serve} the followed
 * replica is read by other processes, read-only, through Derby's network server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveModeIT {
    private static final String TOKEN = "live-mode-token";
    private static final List<String> TABLES = EndToEndIT.RELEASE_4_TABLES;
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    /** A second, and a margin for this process noticing the exit (as for the revoked token's bound). */
    private static final long STOP_BOUND_MILLIS = 1_500;

    private static final Pattern STOPPED = Pattern.compile(
            "stopped \\((SIGINT|SIGTERM)\\): the replica is intact at tag (\\S+), feed position (\\d+)");

    private OutpostStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("live", TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 30, 30);
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
            TestLiquibase.update(c, TestLiquibase.MASTER, null);
            DemoData.release4(c);
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
    void ctrlCWhileWritersWriteEndsLiveModeWithinASecondAndLeavesTheReplicaIntact() throws Exception {
        stopWhileWritersWrite("ctrl-c", "INT");
    }

    @Test
    @Order(2)
    void sigtermWhileWritersWriteEndsLiveModeWithinASecondAndLeavesTheReplicaIntact() throws Exception {
        stopWhileWritersWrite("sigterm", "TERM");
    }

    @Test
    @Order(3)
    void closingTheLibrarysReplicaEndsLiveModeWithinASecond() throws Exception {
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        OutpostReplica replica = OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(stack.work().resolve("library"))
                .build());
        long closedMs;
        try {
            replica.sync();
            replica.addListener(events::add);
            replica.startLiveSync();
            try (Connection c = stack.connect()) {
                RandomWriters.update(c, "update companies set credit_limit = credit_limit + 1 where id = 1");
            }
            // applied and drained: the next long poll waits for a change that does not come
            Conditions.await("live mode applied the change", CONVERGE, () -> Conditions.applied(events) > 0);
        } finally {
            long start = System.nanoTime();
            replica.close();
            closedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        }
        System.out.printf("close() during a long poll took %d ms%n", closedMs);
        assertTrue(closedMs < 1_000, "close() returned within a second, took " + closedMs + " ms");
        try (OutpostReplica reopened = open("library")) {
            assertEquals(SyncResult.Outcome.UP_TO_DATE, reopened.sync().outcome(), "the replica opens and syncs again");
        }
    }

    @Test
    @Order(4)
    void aServedReplicaIsReadByOtherProcessesWhileItFollowsAndRefusesWrites() throws Exception {
        String name = "served";
        Cli.Run created = cli("sync", name);
        assertEquals(0, created.exit(), created.toString());
        Cli.Started live = Cli.startInterruptible(stack.runDir(), args("sync", name, "--live", "--serve"));
        Path file = stack.work().resolve(name).resolve("SERVED");
        Cli.Run ended;
        try (RandomWriters writers = new RandomWriters(stack::connect, 2)) {
            Conditions.await("the replica is served", CONVERGE, () -> printed(live, "serving the replica"));
            Matcher serving = Pattern.compile(
                            "serving the replica read-only at (jdbc:derby://127\\.0\\.0\\.1:\\d+//\\S+)")
                    .matcher(live.outSoFar());
            assertTrue(serving.find(), live.outSoFar());
            String url = serving.group(1);
            Properties served = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                served.load(in);
            }
            assertEquals(url, served.getProperty("url"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

            // another process reads the replica the live process holds, and sees new rows arrive
            String marker = "Served while followed " + System.nanoTime();
            Cli.Run before = cli("sql", name, "select count(*) from companies where name = '" + marker + "'");
            assertEquals(0, before.exit(), before.toString());
            assertTrue(before.out().contains("(1 row)"), before.toString());
            try (Connection c = stack.connect()) {
                RandomWriters.update(
                        c, "insert into companies (name, credit_limit, created_at) values (?, 1, now())", marker);
            }
            Conditions.eventually(CONVERGE, () -> {
                Cli.Run read = cli("sql", name, "select name from companies where name = '" + marker + "'");
                assertEquals(0, read.exit(), read.toString());
                assertTrue(read.out().contains(marker) && read.out().contains("(1 row)"), read.toString());
            });
            assertTrue(writers.committed() > 0, "the writers wrote");

            // through the served URL: reading works, writing is refused, and so is any other user or operation
            try (Connection reader = DriverManager.getConnection(
                            url, served.getProperty("user"), served.getProperty("password"));
                    Statement s = reader.createStatement()) {
                s.execute("set schema APP");
                try (ResultSet rs = s.executeQuery("select count(*) from users")) {
                    assertTrue(rs.next() && rs.getLong(1) > 0, "the reader reads");
                }
                SQLException refused =
                        assertThrows(SQLException.class, () -> s.executeUpdate("update companies set name = 'x'"));
                assertEquals("25502", refused.getSQLState(), refused.getMessage());
                SQLException dropped = assertThrows(SQLException.class, () -> s.executeUpdate("drop table companies"));
                assertEquals("25503", dropped.getSQLState(), dropped.getMessage());
            }
            SQLException embeddedUser =
                    assertThrows(SQLException.class, () -> DriverManager.getConnection(url, "APP", "any"));
            assertEquals("08004", embeddedUser.getSQLState(), embeddedUser.getMessage());
            SQLException shutdown = assertThrows(
                    SQLException.class,
                    () -> DriverManager.getConnection(
                            url + ";shutdown=true", served.getProperty("user"), served.getProperty("password")));
            assertEquals("08004", shutdown.getSQLState(), shutdown.getMessage());
        } finally {
            new ProcessBuilder("kill", "-INT", Long.toString(live.process().pid()))
                    .start()
                    .waitFor();
            ended = live.finish();
        }
        assertEquals(0, ended.exit(), ended.toString());
        assertTrue(ended.out().contains("stopped (SIGINT): the replica is intact"), ended.toString());
        assertTrue(!Files.exists(file), "the stop removed " + file);
        Cli.Run local = cli("sql", name, "select count(*) from users");
        assertEquals(0, local.exit(), "read here once the live process is gone: " + local);
    }

    /**
     * Runs {@code sync --live} while writers write, sends {@code signal} once changes are being applied,
     * and checks the bound, the exit, the printed line, and the replica afterwards.
     */
    private void stopWhileWritersWrite(String name, String signal) throws Exception {
        Cli.Run created = cli("sync", name);
        assertEquals(0, created.exit(), created.toString());
        Cli.Started live = Cli.startInterruptible(stack.runDir(), args("sync", name, "--live", "--verbose"));
        long stoppedMs;
        Cli.Run ended;
        try (RandomWriters writers = new RandomWriters(stack::connect, 3)) {
            Conditions.await("the replica follows the change feed", CONVERGE, () -> printed(live, "following the"));
            int appliedBefore = appliedLines(live);
            Conditions.await(
                    "live mode applies the writers' changes", CONVERGE, () -> appliedLines(live) >= appliedBefore + 3);
            CompletableFuture<Long> exitedAt = live.process().onExit().thenApply(p -> System.nanoTime());
            long signalledAt = System.nanoTime();
            Process kill = new ProcessBuilder(
                            "kill", "-" + signal, Long.toString(live.process().pid()))
                    .inheritIO()
                    .start();
            long killedAt = kill.onExit().thenApply(p -> System.nanoTime()).get(1, TimeUnit.MINUTES);
            assertEquals(0, kill.exitValue(), "kill -" + signal);
            long exited = exitedAt.get(1, TimeUnit.MINUTES);
            // from before kill was started (so its start-up counts too); kill's own exit for information
            stoppedMs = TimeUnit.NANOSECONDS.toMillis(exited - signalledAt);
            System.out.printf(
                    "SIG%s: kill took %d ms to start and signal, live mode ended %d ms after kill exited%n",
                    signal,
                    TimeUnit.NANOSECONDS.toMillis(killedAt - signalledAt),
                    TimeUnit.NANOSECONDS.toMillis(exited - killedAt));
            ended = live.finish();
            assertTrue(writers.committed() > 0, "the writers wrote");
        } finally {
            live.process().destroyForcibly();
        }
        System.out.printf(
                "SIG%s -> live mode ended in %d ms (kill's start-up included)%n%s%n", signal, stoppedMs, ended);
        assertTrue(
                stoppedMs <= STOP_BOUND_MILLIS,
                "ended within a second of SIG" + signal + ", took " + stoppedMs + " ms");
        assertEquals(0, ended.exit(), "a stop the user asked for is a success: " + ended);
        Matcher stopped = STOPPED.matcher(ended.out());
        assertTrue(stopped.find(), "the stop says where the replica stands: " + ended);
        assertEquals("SIG" + signal, stopped.group(1), ended.toString());
        String tag = stopped.group(2);
        String position = stopped.group(3);

        // the stop's line is what the replica holds, and the replica reads
        Cli.Run status = cli("status", name);
        assertTrue(
                status.out().contains("local:  tag " + tag + ",")
                        && status.out().contains("feed position " + position),
                "status shows the tag and position the stop printed: " + status);
        Cli.Run read = cli("sql", name, "select count(*) from users");
        assertEquals(0, read.exit(), "the replica stays readable: " + read);
        assertTrue(read.out().contains("(1 row)"), read.toString());

        // it continues from its position to equal PostgreSQL, as the server's digests and row for row
        Conditions.eventually(CONVERGE, () -> {
            Cli.Run synced = cli("sync", name);
            assertEquals(0, synced.exit(), synced.toString());
            Cli.Run verified = cli("verify", name);
            assertEquals(0, verified.exit(), verified.toString());
            assertTrue(verified.out().contains("replica equals the server"), verified.toString());
        });
        try (OutpostReplica replica = open(name);
                Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (String table : TABLES) {
                ReplicaComparison.assertSameRows(pg, derby, table);
            }
        }
    }

    private OutpostReplica open(String name) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(stack.work().resolve(name))
                .build());
    }

    private Cli.Run cli(String verb, String name, String... more) throws Exception {
        return Cli.run(stack.runDir(), args(verb, name, more));
    }

    private String[] args(String verb, String name, String... more) {
        Path directory = stack.work().resolve(name);
        List<String> all = new ArrayList<>(List.of(
                verb,
                "--server",
                stack.server().baseUri().toString(),
                "--token",
                TOKEN,
                "--replica",
                directory.toString()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static boolean printed(Cli.Started started, String text) {
        try {
            return started.outSoFar().contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines {@code "applied N changes, at position P"} the live process printed so far. */
    private static int appliedLines(Cli.Started started) {
        try {
            return (int) started.errSoFar()
                    .lines()
                    .filter(l -> l.startsWith("applied "))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
