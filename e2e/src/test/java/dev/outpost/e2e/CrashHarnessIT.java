package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The crash harness: the real CLI syncs in its own JVM and is killed with SIGKILL at a pause
 * point, a breakpoint the test sets as its debugger ({@link CrashingCli}: every sync event, i.e.
 * before, during and after each table, and each step of the swap), one run per point, for two syncs:
 *
 * <ul>
 *   <li>a rebuild of a release-1 replica to release 2 (one changed table, one new table, four kept
 *       tables): after every kill the replica opens at a complete version, old or new, with every
 *       table holding the rows its metadata records;
 *   <li>the very first sync of an empty directory to release 2: after every kill there is either no
 *       replica (status says so, a connection is refused with "sync it first") or a complete one.
 * </ul>
 *
 * In both, the next sync converges to PostgreSQL row for row.
 *
 * <p>Each point costs a JVM start, a Derby database and Hibernate's DDL, so: the data is small and the
 * pages short (10 rows), keeping a first, a middle, a full last and an empty closing page for the
 * multi-page tables but few redundant points; the CLI maps a class data sharing archive ({@link
 * CrashingCli}); and the replicas live on tmpfs ({@code /dev/shm}) where there is one (property
 * {@code outpost.crashDir} to choose). A SIGKILL leaves the kernel's page cache intact, so whether
 * Derby's writes were also fsync'ed plays no part in what a killed process leaves behind; tmpfs only
 * makes Derby's many fsyncs free.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashHarnessIT {
    private static final String TOKEN = "crash-token";
    private static final int PAGE_ROWS = 10;
    private static final List<String> RELEASE_2_TABLES = Stream.concat(
                    EndToEndIT.RELEASE_1_TABLES.stream(), Stream.of("user_preferences"))
            .toList();
    /** A safety bound: a rebuild of this data has far fewer pause points. */
    private static final int MAX_POINTS = 200;

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private PayaraMicroServer server;
    private Path work;
    private Path baseline;
    private ReplicaStatus.Local baselineState;
    private String baselineDb;

    @BeforeAll
    void startServerAndBuildTheOldReplica() throws Exception {
        stack = OutpostStack.start("crash", TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            // 3 companies (Ærø in the third), 30 users (NULLs, emoji, bytea), 30 table columns
            DemoData.release1(c, 3, 10);
        });
        server = stack.server();
        work = replicaDirectory(stack.work());
        baseline = work.resolve("baseline");
        try (OutpostReplica replica = open(baseline)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            baselineState = replica.status().local();
        }
        baselineDb = Files.readString(baseline.resolve("CURRENT")).trim();
        try (Connection c = pg()) {
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
        }
        Path warmUp = work.resolve("cds-warm-up");
        CrashingCli.Run run = CrashingCli.archiveClasses(runDir, args(warmUp));
        assertEquals(0, run.exit(), "a first sync with the CLI, no kill: " + run.output());
        try (OutpostReplica replica = open(warmUp)) {
            assertEqualsPostgres(replica);
        }
    }

    @AfterAll
    void stopServer() throws Exception {
        if (stack != null) {
            stack.close();
        }
        if (work != null && !work.startsWith(runDir)) {
            deleteRecursively(work);
        }
    }

    /** A new directory for the replicas: on tmpfs when there is one, else {@code fallback}. */
    private static Path replicaDirectory(Path fallback) throws IOException {
        String chosen = System.getProperty("outpost.crashDir");
        Path tmpfs = Path.of(chosen != null ? chosen : "/dev/shm");
        if (Files.isDirectory(tmpfs) && Files.isWritable(tmpfs)) {
            return Files.createTempDirectory(tmpfs, "outpost-crash-");
        }
        return fallback;
    }

    @Test
    void aKillAtAnyPointOfARebuildLeavesAConsistentReplicaThatTheNextSyncCompletes() throws Exception {
        long fullDownload = serverRows("users") + serverRows("user_preferences");
        List<String> report = new ArrayList<>();
        int resumed = 0;
        boolean shadowComplete = false;
        long point = 1;
        for (; point <= MAX_POINTS; point++) {
            Path replica = work.resolve("kill-" + point);
            copy(baseline, replica);
            long start = System.nanoTime();
            CrashingCli.Run run = CrashingCli.sync(runDir, point, args(replica));
            long cliMillis = (System.nanoTime() - start) / 1_000_000;
            if (!run.killed()) {
                assertEquals(0, run.exit(), "past the last pause point the sync completes: " + run.output());
                try (OutpostReplica r = open(replica)) {
                    assertEqualsPostgres(r);
                }
                break;
            }
            assertEquals(137, run.exit(), "killed with SIGKILL at " + run.killedAt());
            SyncResult next = assertConsistentThenConverges(replica, run.killedAt());
            assertTrue(next.rows() <= fullDownload, run.killedAt());
            shadowComplete |= run.killedAt().startsWith("Activating");
            if (shadowComplete && next.outcome() == SyncResult.Outcome.REBUILT) {
                assertEquals(0, next.rows(), run.killedAt() + ": the complete shadow is activated, not rebuilt");
            }
            if (next.outcome() == SyncResult.Outcome.REBUILT && next.rows() < fullDownload) {
                resumed++;
            }
            long totalMillis = (System.nanoTime() - start) / 1_000_000;
            report.add(point + " " + run.killedAt() + " -> " + next.outcome() + ", " + next.rows() + " rows (CLI "
                    + cliMillis + " ms, all " + totalMillis + " ms)");
            deleteRecursively(replica);
        }
        long killPoints = point - 1;
        System.out.println("Crash harness: " + killPoints + " kill points, each followed by a consistent replica and"
                + " a converging sync (" + resumed + " resumed a partly built shadow):\n  "
                + String.join("\n  ", report));
        assertTrue(point <= MAX_POINTS, "the sync ran to its end past the last pause point");
        assertTrue(killPoints >= 15, "a rebuild of 6 tables in pages of 10 rows has many points: " + killPoints);
        for (String kind : List.of("RebuildStarted", "TableKept", "TableProgress", "TableLoaded", "Activating")) {
            assertTrue(report.stream().anyMatch(r -> r.contains(kind)), kind + " was a kill point");
        }
        assertEquals(3, report.stream().filter(r -> r.contains("swap: ")).count(), "3 kill points inside the swap");
        assertTrue(resumed > 0, "a kill after stored pages lets the next sync resume");
    }

    @Test
    void aKillAtAnyPointOfAFirstSyncLeavesNoReplicaOrACompleteOne() throws Exception {
        long fullDownload = 0;
        for (String table : RELEASE_2_TABLES) {
            fullDownload += serverRows(table);
        }
        List<String> report = new ArrayList<>();
        int none = 0;
        int resumed = 0;
        long point = 1;
        for (; point <= MAX_POINTS; point++) {
            Path replica = work.resolve("first-kill-" + point);
            long start = System.nanoTime();
            CrashingCli.Run run = CrashingCli.sync(runDir, point, args(replica));
            long cliMillis = (System.nanoTime() - start) / 1_000_000;
            if (!run.killed()) {
                assertEquals(0, run.exit(), "past the last pause point the sync completes: " + run.output());
                try (OutpostReplica r = open(replica)) {
                    assertEqualsPostgres(r);
                }
                break;
            }
            String killedAt = run.killedAt();
            assertEquals(137, run.exit(), "killed with SIGKILL at " + killedAt);
            String found;
            SyncResult next;
            try (OutpostReplica r = open(replica)) {
                ReplicaStatus.Local local = r.status().local();
                if (local == null) {
                    none++;
                    found = "no replica";
                    assertFalse(Files.exists(replica.resolve("CURRENT")), killedAt);
                    assertTrue(databases(replica) <= 1, killedAt + ": at most a shadow to resume");
                    OutpostException e = assertThrows(OutpostException.class, r::openConnection, killedAt);
                    assertEquals(ErrorCode.REPLICA_ERROR, e.code(), killedAt);
                    assertTrue(e.getMessage().contains("sync it first"), killedAt + ": " + e.getMessage());
                } else {
                    found = "complete " + local.tag();
                    assertConsistent(r, replica, killedAt);
                }
                next = r.sync();
                assertEquals(
                        local == null ? SyncResult.Outcome.CREATED : SyncResult.Outcome.UP_TO_DATE,
                        next.outcome(),
                        killedAt);
                assertEquals("2.0", next.newTag(), killedAt);
                assertTrue(r.status().upToDate(), killedAt);
                assertEqualsPostgres(r);
                assertEquals(1, databases(replica), killedAt + ": only the active database is left");
            }
            assertTrue(next.rows() <= fullDownload, killedAt);
            if (next.outcome() == SyncResult.Outcome.CREATED && next.rows() < fullDownload) {
                resumed++;
            }
            long totalMillis = (System.nanoTime() - start) / 1_000_000;
            report.add(point + " " + killedAt + ": " + found + " -> " + next.outcome() + ", " + next.rows()
                    + " rows (CLI " + cliMillis + " ms, all " + totalMillis + " ms)");
            deleteRecursively(replica);
        }
        long killPoints = point - 1;
        System.out.println("Crash harness: " + killPoints + " kill points in a first sync, " + none
                + " left no replica, the others a complete one; each next sync converged (" + resumed
                + " resumed a partly built shadow):\n  " + String.join("\n  ", report));
        assertTrue(point <= MAX_POINTS, "the sync ran to its end past the last pause point");
        assertTrue(killPoints >= 20, "a first sync of 6 tables in pages of 10 rows has many points: " + killPoints);
        for (String kind : List.of("RebuildStarted", "TableProgress", "TableLoaded", "Activating")) {
            assertTrue(report.stream().anyMatch(r -> r.contains(kind)), kind + " was a kill point");
        }
        assertEquals(3, report.stream().filter(r -> r.contains("swap: ")).count(), "3 kill points inside the swap");
        assertTrue(none > 0 && none < killPoints, "kills before and after the swap");
        assertTrue(resumed > 0, "a kill after stored pages lets the next sync resume");
    }

    @Test
    void repeatedKillsDuringResumedRebuildsStillConverge() throws Exception {
        Path replica = work.resolve("repeated");
        copy(baseline, replica);
        // past CheckStarted, RebuildStarted and one event per finished table: every run commits something new
        long point = 2 + RELEASE_2_TABLES.size() + 1;
        int kills = 0;
        CrashingCli.Run run;
        do {
            run = CrashingCli.sync(runDir, point, args(replica));
            if (run.killed()) {
                kills++;
                assertEquals(137, run.exit());
                try (OutpostReplica r = open(replica)) {
                    assertConsistent(r, replica, run.killedAt());
                }
            }
        } while (run.killed() && kills < MAX_POINTS);
        assertEquals(0, run.exit(), run.output());
        System.out.println("Crash harness: " + kills + " successive kills of resumed rebuilds, then completed");
        assertTrue(kills > 1, "killed more than once: " + kills);
        try (OutpostReplica r = open(replica)) {
            assertEquals("2.0", r.status().local().tag());
            assertEqualsPostgres(r);
        }
    }

    /** Opens the killed replica, checks it, syncs it to the end and compares it with PostgreSQL. */
    private SyncResult assertConsistentThenConverges(Path replica, String killedAt) throws Exception {
        try (OutpostReplica r = open(replica)) {
            assertConsistent(r, replica, killedAt);
            SyncResult next = r.sync();
            assertEquals("2.0", next.newTag(), killedAt);
            assertTrue(r.status().upToDate(), killedAt);
            assertEqualsPostgres(r);
            assertEquals(1, databases(replica), killedAt + ": only the active database is left");
            return next;
        }
    }

    /**
     * The replica opens at the old or the new version, complete: every recorded table holds the rows
     * recorded for it (at the old version: exactly the old database, untouched; at the new one:
     * PostgreSQL's rows); leftovers other than a resumable shadow are gone.
     */
    private void assertConsistent(OutpostReplica r, Path replica, String killedAt) throws Exception {
        ReplicaStatus.Local local = r.status().local();
        assertNotNull(local, killedAt);
        assertFalse(Files.exists(replica.resolve("CURRENT.tmp")), killedAt + ": CURRENT.tmp removed on open");
        assertTrue(databases(replica) <= 2, killedAt + ": the active database and at most one shadow");
        try (Connection derby = r.openConnection();
                Statement st = derby.createStatement()) {
            for (ReplicaStatus.Table table : local.tables()) {
                try (ResultSet rs = st.executeQuery("select count(*) from " + table.name())) {
                    rs.next();
                    assertEquals(table.rows(), rs.getLong(1), killedAt + ": rows of " + table.name());
                }
            }
        }
        if ("1.0".equals(local.tag())) {
            assertEquals(
                    baselineDb, Files.readString(replica.resolve("CURRENT")).trim(), killedAt);
            assertEquals(baselineState.tables(), local.tables(), killedAt + ": the old replica is untouched");
        } else {
            assertEquals("2.0", local.tag(), killedAt);
            assertEqualsPostgres(r);
        }
    }

    private void assertEqualsPostgres(OutpostReplica r) throws Exception {
        try (Connection pg = pg();
                Connection derby = r.openConnection()) {
            for (String table : RELEASE_2_TABLES) {
                ReplicaComparison.assertSameRows(pg, derby, table);
            }
        }
    }

    private String[] args(Path replica) {
        return new String[] {
            "--server", server.baseUri().toString(),
            "--token", TOKEN,
            "--replica", replica.toString(),
            "--page-rows", Integer.toString(PAGE_ROWS)
        };
    }

    private OutpostReplica open(Path replica) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(server.baseUri())
                .token(TOKEN)
                .directory(replica)
                .pageRows(PAGE_ROWS)
                .build());
    }

    private Connection pg() throws Exception {
        return stack.connect();
    }

    private long serverRows(String table) throws Exception {
        try (Connection c = pg();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long databases(Path replica) throws IOException {
        try (Stream<Path> files = Files.list(replica)) {
            return files.filter(p -> p.getFileName().toString().startsWith("db-"))
                    .count();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
