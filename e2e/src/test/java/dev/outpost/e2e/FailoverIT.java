package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.bench.Nginx;
import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
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
 * Outpost scaled out as the operator's guide says: two server instances behind nginx (Debian's
 * package, running the shipped {@code server-config/nginx/outpost.conf}) over one PostgreSQL, a replica
 * following live through nginx while application writers write. The capturing instance is killed: the
 * other takes over capture within seconds; later both instances are restarted one after the other.
 * Each time the replica ends equal to PostgreSQL row by row, without a second snapshot and with
 * positions that only move forward: no change lost, none applied twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverIT {
    private static final String TOKEN = "failover-sync-token";
    private static final List<String> TABLES = EndToEndIT.RELEASE_4_TABLES;
    private static final Duration CONVERGE = Duration.ofSeconds(120);
    /** "Within a few seconds": the standby polls the capture lock every second. */
    private static final Duration TAKEOVER = Duration.ofSeconds(15);

    private OutpostStack stack;
    private PayaraMicroServer second;
    private Nginx nginx;
    private OutpostReplica replica;
    /** Which instance the kill took down: the first test leaves it down for the second to start again. */
    private boolean firstKilled;

    private final List<SyncEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("failover", TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 30, 30);
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
            TestLiquibase.update(c, TestLiquibase.MASTER, null);
            DemoData.release4(c);
        });
        second = PayaraMicroServer.start(stack.runDir(), stack.serverProperties(), "failover-second");
        Path config = Path.of(System.getProperty("outpost.nginxConf", "../server-config/nginx/outpost.conf"));
        nginx = Nginx.start(
                Nginx.locate(stack.runDir()),
                config,
                List.of(stack.server().baseUri().getPort(), second.baseUri().getPort()),
                stack.work());
        replica = OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(nginx.proxied(stack.server().baseUri()))
                .token(TOKEN)
                .directory(stack.work().resolve("behind-nginx"))
                .checkInterval(Duration.ofSeconds(30))
                .build());
        assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
        replica.addListener(events::add);
        replica.startLiveSync();
    }

    @AfterAll
    void stop() throws Exception {
        if (replica != null) {
            replica.close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (second != null) {
            second.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void killingTheCapturingInstanceHandsCaptureToTheOtherWithinSeconds() throws Exception {
        try (RandomWriters writers = new RandomWriters(stack::connect, 3)) {
            await("the replica follows the writers' changes through nginx", () -> applied() > 0);
            long capturing = awaitCapturer(pid -> true);
            boolean firstCaptures = capturing == stack.server().pid();
            assertTrue(firstCaptures || capturing == second.pid(), "an instance of this test captures: " + capturing);
            long killedAt = System.nanoTime();
            if (firstCaptures) {
                stack.killServer();
            } else {
                second.kill();
            }
            long survivor = firstCaptures ? second.pid() : stack.server().pid();
            awaitCapturer(pid -> pid == survivor);
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf(
                    "capture taken over by the other instance %d ms after the kill (load %.2f)%n",
                    takeover.toMillis(), load());
            assertTrue(takeover.compareTo(TAKEOVER) <= 0, "capture taken over within " + TAKEOVER + ": " + takeover);
            long appliedAtTakeover = applied();
            long committedAtTakeover = writers.committed();
            await("the writers committed after the takeover", () -> writers.committed() > committedAtTakeover);
            await("the replica applied changes captured by the other instance", () -> applied() > appliedAtTakeover);
            firstKilled = firstCaptures;
        }
        assertConverged();
    }

    @Test
    @Order(2)
    void restartingBothInstancesOneAfterTheOtherUnderLoadLosesNothing() throws Exception {
        try (RandomWriters writers = new RandomWriters(stack::connect, 3)) {
            long before = applied();
            await("the replica follows the writers' changes", () -> applied() > before);
            // the instance the kill took down comes back, then the other one is restarted
            if (firstKilled) {
                stack.restartServer();
            } else {
                second = PayaraMicroServer.start(
                        stack.runDir(),
                        stack.serverProperties(),
                        "failover-second-again",
                        second.baseUri().getPort());
            }
            long afterFirst = applied();
            await("the replica follows after the killed instance came back", () -> applied() > afterFirst);
            if (firstKilled) {
                second = restart(second, "failover-second-rolled");
            } else {
                stack.stopServer();
                stack.restartServer();
            }
            long afterSecond = applied();
            await("the replica follows after the other instance restarted", () -> applied() > afterSecond);
            awaitCapturer(pid -> pid == stack.server().pid() || pid == second.pid());
            assertTrue(writers.committed() > 0, "writers wrote throughout");
        }
        assertConverged();
    }

    /** Stops an instance (SIGTERM, as a rolling restart does) and starts it again on its port. */
    private PayaraMicroServer restart(PayaraMicroServer server, String name) throws Exception {
        int port = server.baseUri().getPort();
        server.close();
        return PayaraMicroServer.start(stack.runDir(), stack.serverProperties(), name, port);
    }

    /**
     * The replica equals PostgreSQL in every table, built from its one snapshot (no rebuild since), and
     * the positions it applied only moved forward.
     */
    private void assertConverged() throws Exception {
        Conditions.eventually(CONVERGE, () -> {
            try (Connection pg = stack.connect();
                    Connection derby = replica.openConnection()) {
                for (String table : TABLES) {
                    ReplicaComparison.assertSameRows(pg, derby, table);
                }
            }
        });
        Conditions.assertFollowedWithoutRebuild(events);
    }

    /** Process ids a predicate accepts. */
    private interface PidCheck {
        boolean accepts(long pid);
    }

    /** Waits until an instance the check accepts captures; returns its process id. */
    private long awaitCapturer(PidCheck check) throws Exception {
        long[] found = {-1};
        await("an accepted instance captures", () -> {
            OptionalLong pid = capturer();
            if (pid.isPresent() && check.accepts(pid.getAsLong())) {
                found[0] = pid.getAsLong();
                return true;
            }
            return false;
        });
        return found[0];
    }

    /**
     * The process id of the instance streaming the change feed, from its replication connection's
     * {@code application_name} ({@code outpost-capture-stream pid@host}).
     */
    private OptionalLong capturer() {
        try (Connection c = stack.connectAsSuperuser();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select application_name from pg_stat_activity"
                        + " where application_name like 'outpost-capture-stream %'")) {
            if (!rs.next()) {
                return OptionalLong.empty();
            }
            String instance = rs.getString(1).substring("outpost-capture-stream ".length());
            return OptionalLong.of(Long.parseLong(instance.substring(0, instance.indexOf('@'))));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long applied() {
        return Conditions.applied(events);
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Conditions.await(what, CONVERGE, condition);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
