package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.client.internal.http.SyncHttpClient;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.testsupport.TestLiquibase;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The core story, with real parts only: a team ships releases of its Liquibase
 * changelog (applied by its pipeline, so the server runs with start-up migration off) and field
 * replicas follow, rebuilding exactly when the tag moves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {
    static final String SYNC_TOKEN = "e2e-sync-token";
    static final List<String> RELEASE_1_TABLES =
            List.of("companies", "users", "workspaces", "data_tables", "data_table_columns");
    static final List<String> RELEASE_4_TABLES = Stream.concat(
                    RELEASE_1_TABLES.stream(), Stream.of("user_preferences", "audit_notes"))
            .toList();

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private Path serverProperties;
    private PayaraMicroServer server;
    private Path work;

    @BeforeAll
    void startServer() throws Exception {
        stack = OutpostStack.start("outpost", SYNC_TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 6, 150);
        });
        serverProperties = stack.serverProperties();
        server = stack.server();
        work = stack.work();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private Connection pg() throws Exception {
        return stack.connect();
    }

    private OutpostReplica open(String name, URI serverUri, String token, int pageRows) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(serverUri)
                .token(token)
                .directory(work.resolve(name))
                .pageRows(pageRows)
                .build());
    }

    private OutpostReplica open(String name) {
        return open(name, server.baseUri(), SYNC_TOKEN, 100);
    }

    /** Every listed table equal row for row; returns the row count per table. */
    private Map<String, Integer> assertReplicaEqualsPostgres(OutpostReplica replica, List<String> tables)
            throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        try (Connection pg = pg();
                Connection derby = replica.openConnection()) {
            for (String table : tables) {
                counts.put(table, ReplicaComparison.assertSameRows(pg, derby, table));
            }
        }
        return counts;
    }

    /**
     * Waits until the server's change feed follows {@code tables}: a table a release created joins the
     * publication a moment after it was created, and a sync before that builds it unfollowed, so that a
     * later sync rebuilds it once more to follow it (a new database, although the version is the same).
     */
    private void awaitFollowed(String... tables) throws Exception {
        List<String> wanted = List.of(tables);
        try (SyncHttpClient http =
                new SyncHttpClient(server.baseUri(), SYNC_TOKEN, Duration.ofSeconds(10), Duration.ofSeconds(30))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!http.schema().tables().stream()
                    .filter(TableSchema::followed)
                    .map(TableSchema::name)
                    .toList()
                    .containsAll(wanted)) {
                assertTrue(System.nanoTime() < deadline, "the change feed did not follow " + wanted + " within 60 s");
                Thread.sleep(100);
            }
        }
    }

    private static String currentDb(String replica, Path work) throws Exception {
        return Files.readString(work.resolve(replica).resolve("CURRENT")).trim();
    }

    @Test
    @Order(1)
    void firstSyncCreatesTheReplicaWithEveryRow() throws Exception {
        try (OutpostReplica a = open("a");
                OutpostReplica b = open("b")) {
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            a.addListener(events::add);
            SyncResult result = a.sync();
            assertEquals(SyncResult.Outcome.CREATED, result.outcome());
            // each table's download starts with the server's estimate of its rows (for a progress bar)
            List<SyncEvent.TableStarted> started = events.stream()
                    .filter(e -> e instanceof SyncEvent.TableStarted)
                    .map(e -> (SyncEvent.TableStarted) e)
                    .toList();
            assertEquals(
                    RELEASE_1_TABLES.stream().sorted().toList(),
                    started.stream().map(SyncEvent.TableStarted::table).sorted().toList(),
                    events.toString());
            assertTrue(started.stream().allMatch(t -> t.estimatedRows().isPresent()), started.toString());
            assertEquals("1.0", result.newTag());
            Map<String, Integer> counts = assertReplicaEqualsPostgres(a, RELEASE_1_TABLES);
            assertEquals(900, counts.get("users"));
            assertEquals(counts.values().stream().mapToLong(Integer::longValue).sum(), result.rows());
            assertTrue(result.bytes() > 0);
            assertEquals(SyncResult.Outcome.CREATED, b.sync().outcome(), "replica b goes offline at release 1");
        }
    }

    @Test
    @Order(2)
    void releaseTwoRebuildsTheReplicaWithTheNewColumnAndTable() throws Exception {
        try (Connection c = pg();
                Statement st = c.createStatement()) {
            // a change under users' old definition: replica a applies it before the release, while
            // replica b, offline, meets it only after (see skippedReleasesRebuildOnce)
            st.executeUpdate(
                    "update users set display_name = 'renamed before release 2' where id = (select min(id) from users)");
        }
        try (OutpostReplica a = open("a")) {
            assertEquals(SyncResult.Outcome.UP_TO_DATE, a.sync().outcome());
        }
        try (Connection c = pg()) {
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
        }
        awaitFollowed("user_preferences"); // else the next test's sync rebuilds it to follow it
        try (OutpostReplica a = open("a")) {
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            a.addListener(events::add);
            SyncResult result = a.sync();
            // users only gained a column: its key and phone were downloaded, the rest kept locally, and
            // the release's writes to phone came from the feed
            assertEquals(
                    List.of(new SyncEvent.ColumnsAdded("users", List.of("phone"), 900)),
                    events.stream()
                            .filter(e -> e instanceof SyncEvent.ColumnsAdded)
                            .toList());
            assertTrue(
                    events.stream()
                            .noneMatch(e -> e instanceof SyncEvent.RebuildStarted r
                                    && r.reason().equals("following the change feed")),
                    "users is not downloaded whole after all: " + events);
            assertEquals(SyncResult.Outcome.REBUILT, result.outcome());
            assertEquals("1.0", result.previousTag());
            assertEquals("2.0", result.newTag());
            assertReplicaEqualsPostgres(
                    a,
                    Stream.concat(RELEASE_1_TABLES.stream(), Stream.of("user_preferences"))
                            .toList());
            try (Connection derby = a.openConnection();
                    Statement st = derby.createStatement();
                    ResultSet rs = st.executeQuery("select count(phone) from users")) {
                rs.next();
                assertEquals(450, rs.getInt(1), "the new column arrived with its values");
            }
        }
    }

    @Test
    @Order(3)
    void anUnchangedVersionRebuildsNothing() throws Exception {
        String before = currentDb("a", work);
        try (OutpostReplica a = open("a")) {
            SyncResult result = a.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, result.outcome());
            assertEquals(0, result.rows());
            assertEquals(List.of(), result.tablesRebuilt());
        }
        assertEquals(before, currentDb("a", work), "the same Derby database stays current");
    }

    @Test
    @Order(4)
    void skippedReleasesRebuildOnce() throws Exception {
        try (Connection c = pg()) {
            TestLiquibase.update(c, TestLiquibase.MASTER, null);
            DemoData.release4(c);
        }
        for (String name : List.of("a", "b")) {
            try (OutpostReplica replica = open(name)) {
                List<SyncEvent> events = new CopyOnWriteArrayList<>();
                replica.addListener(events::add);
                SyncResult result = replica.sync();
                assertEquals(SyncResult.Outcome.REBUILT, result.outcome(), name);
                assertEquals(name.equals("a") ? "2.0" : "1.0", result.previousTag());
                assertEquals("4.0", result.newTag());
                // a table a release created joins the change feed a moment after it was created: the
                // replica rebuilds it once more to follow it, which is not a second migration
                assertEquals(
                        1,
                        events.stream()
                                .filter(e -> e instanceof SyncEvent.RebuildStarted r
                                        && !r.reason().equals("following the change feed"))
                                .count(),
                        name + ": one rebuild for the skipped releases: " + events);
                if (name.equals("b")) {
                    // b held users from before the change made under its old definition: that change
                    // cannot be applied to the widened table, so users is downloaded whole after all
                    int added = indexOf(
                            events,
                            e -> e instanceof SyncEvent.ColumnsAdded c
                                    && c.table().equals("users"));
                    int whole = indexOf(
                            events,
                            e -> e instanceof SyncEvent.RebuildStarted r
                                    && r.reason().equals("following the change feed")
                                    && r.tables().contains("users"));
                    assertTrue(added >= 0 && whole > added, events.toString());
                }
                assertReplicaEqualsPostgres(replica, RELEASE_4_TABLES);
                assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome(), name);
            }
        }
    }

    private static int indexOf(List<SyncEvent> events, java.util.function.Predicate<SyncEvent> wanted) {
        for (int i = 0; i < events.size(); i++) {
            if (wanted.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    @Order(5)
    void aWrongTokenIsRefusedAndTheReplicaIsUntouched() throws Exception {
        String before = currentDb("a", work);
        try (OutpostReplica a = open("a", server.baseUri(), "wrong-token", 100)) {
            OutpostException e = assertThrows(OutpostException.class, a::sync);
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code());
            assertReplicaEqualsPostgres(a, RELEASE_4_TABLES);
        }
        assertEquals(before, currentDb("a", work));
    }

    @Test
    @Order(6)
    void aServerStoppedMidDownloadLeavesThePreviousCompleteReplica() throws Exception {
        Map<String, Integer> before;
        awaitFollowed("audit_notes");
        try (OutpostReplica a = open("a")) {
            // a table created by the last release joins the change feed a moment after it was created;
            // a sync after that rebuilds it to follow it, so that below only the changed table differs
            a.sync();
            before = assertReplicaEqualsPostgres(a, RELEASE_4_TABLES);
        }
        String currentBefore = currentDb("a", work);
        try (Connection c = pg();
                Statement st = c.createStatement()) {
            st.execute("alter table users add column nickname varchar(30)");
            st.execute("update users set nickname = 'nick' || id");
        }
        PayaraMicroServer doomed = PayaraMicroServer.start(runDir, serverProperties, "e2e-doomed");
        AtomicBoolean killed = new AtomicBoolean();
        try (OutpostReplica a = open("a", doomed.baseUri(), SYNC_TOKEN, 50)) {
            a.addListener(event -> {
                if (event instanceof SyncEvent.TableProgress && killed.compareAndSet(false, true)) {
                    try {
                        doomed.kill();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            OutpostException e = assertThrows(OutpostException.class, a::sync);
            assertTrue(killed.get(), "the server was killed during the download");
            assertTrue(
                    e.code() == ErrorCode.SERVER_UNREACHABLE || e.code() == ErrorCode.PROTOCOL_ERROR,
                    "clear error: " + e.code() + " " + e.getMessage());
            try (Connection derby = a.openConnection();
                    Statement st = derby.createStatement()) {
                for (Map.Entry<String, Integer> table : before.entrySet()) {
                    try (ResultSet rs = st.executeQuery("select count(*) from " + table.getKey())) {
                        rs.next();
                        assertEquals(table.getValue(), rs.getInt(1), table.getKey() + " still complete");
                    }
                }
            }
        } finally {
            doomed.close();
        }
        assertEquals(currentBefore, currentDb("a", work), "the previous database is still the current one");
        try (Stream<Path> dbs = Files.list(work.resolve("a"))) {
            assertEquals(
                    2,
                    dbs.map(p -> p.getFileName().toString())
                            .filter(n -> n.startsWith("db-"))
                            .count(),
                    "the current database and the interrupted shadow, kept for resuming");
        }
        try (OutpostReplica a = open("a")) {
            SyncResult resumed = a.sync();
            assertEquals(SyncResult.Outcome.REBUILT, resumed.outcome(), "schema drift without a new tag rebuilds too");
            assertEquals(List.of("users"), resumed.tablesRebuilt(), "only the changed table is downloaded");
            assertEquals(
                    900,
                    resumed.rows(),
                    "a table's first load is one transaction: stopped midway it stored nothing, and the next"
                            + " load (page by page, resumable) downloads it whole");
            assertReplicaEqualsPostgres(a, RELEASE_4_TABLES);
        }
    }

    @Test
    @Order(7)
    void theCommandLineSyncsQueriesAndExitsWithDistinctCodes() throws Exception {
        String replica = work.resolve("cli").toString();
        String url = server.baseUri().toString();
        Cli.Run sync = Cli.run(runDir, "sync", "--server", url, "--token", SYNC_TOKEN, "--replica", replica);
        assertEquals(0, sync.exit(), sync.toString());
        Cli.Run count = Cli.run(runDir, "sql", "--replica", replica, "select count(*) from users");
        assertEquals(0, count.exit(), count.toString());
        assertTrue(count.out().contains("900"), count.toString());
        Cli.Run status = Cli.run(runDir, "status", "--server", url, "--token", SYNC_TOKEN, "--replica", replica);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("4.0"), status.toString());

        Cli.Run wrongToken = Cli.run(runDir, "sync", "--server", url, "--token", "nope", "--replica", replica);
        assertEquals(4, wrongToken.exit(), wrongToken.toString());
        String nobody = "http://127.0.0.1:" + PayaraMicroServer.freePort() + "/outpost/";
        Cli.Run unreachable = Cli.run(runDir, "sync", "--server", nobody, "--token", SYNC_TOKEN, "--replica", replica);
        assertEquals(3, unreachable.exit(), unreachable.toString());
        assertTrue(
                unreachable.err().length() > 0 && !unreachable.err().contains("\tat "),
                "one clear line, no stack trace: " + unreachable);
        Cli.Run usage = Cli.run(runDir, "sync", "--no-such-option");
        assertEquals(2, usage.exit(), usage.toString());
    }
}
