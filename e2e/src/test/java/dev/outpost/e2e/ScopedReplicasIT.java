package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Per-device scopes end to end: tokens provisioned through the admin API on Payara Micro over a real
 * PostgreSQL, replicas synced by the client as a device would. Two tokens see the same tables through
 * different row filters and column lists; each replica must equal exactly its own scoped view of
 * PostgreSQL (every value compared) through a first sync under concurrent writers, live following, a
 * migration and a change of scope, and the server's {@code verify} must agree. A token without grants
 * gets an empty replica; a revoked token's live replica is cut off and stays readable.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScopedReplicasIT {
    private static final String ADMIN_TOKEN = "e2e-scoped-admin";
    private static final String TOKENS = SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/" + AdminPaths.TOKENS;
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final List<String> A_USER_COLUMNS = List.of("id", "company_id", "email", "active", "created_at");

    private OutpostStack stack;
    private ApiCalls api;

    /** A device's token and what its replica must hold: per table, the granted columns and the rows. */
    private record Device(String name, CreatedToken token, List<View> views) {
        String secret() {
            return token.secret();
        }
    }

    /** A table as a token sees it: {@code columns} ({@code null}: all), rows where {@code where} holds. */
    private record View(String table, List<String> columns, String where) {}

    private Device a;
    private Device b;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start(
                "scoped", "e2e-scoped-unused-sync", "outpost.admin-tokens=" + ADMIN_TOKEN + "\n", c -> {
                    TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
                    DemoData.release1(c, 6, 40);
                    TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
                    DemoData.release2(c);
                });
        api = new ApiCalls(stack.server().baseUri());
        // device A: companies 1 to 3 with all their columns, and their users without names, phones and avatars
        a = new Device(
                "a",
                create(
                        """
                        {"name": "field-laptop-a", "role": "replica",
                         "grants": [{"table": "companies", "rowFilter": "id in (:companies)"},
                                    {"table": "users", "columns": ["id", "company_id", "email", "active", "created_at"],
                                     "rowFilter": "company_id in (:companies)"}],
                         "attributes": {"companies": ["1", "2", "3"]}}"""),
                List.of(
                        new View("companies", null, "t.id in (1, 2, 3)"),
                        new View("users", A_USER_COLUMNS, "t.company_id in (1, 2, 3)")));
        // device B: companies above a credit limit, three columns; every column of active or unnamed users
        b = new Device(
                "b",
                create(
                        """
                        {"name": "field-laptop-b", "role": "replica",
                         "grants": [{"table": "companies", "columns": ["id", "name", "credit_limit"],
                                     "rowFilter": "credit_limit >= :min"},
                                    {"table": "users", "rowFilter": "active = true or display_name is null"}],
                         "attributes": {"min": "3000"}}"""),
                List.of(
                        new View("companies", List.of("id", "name", "credit_limit"), "t.credit_limit >= 3000"),
                        new View("users", null, "(t.active = true or t.display_name is null)")));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void eachReplicaEqualsItsScopedViewThroughFirstSyncLiveWritersAndAMigration() throws Exception {
        List<SyncEvent> eventsA = new CopyOnWriteArrayList<>();
        List<SyncEvent> eventsB = new CopyOnWriteArrayList<>();
        try (OutpostReplica replicaA = open(a);
                OutpostReplica replicaB = open(b)) {
            replicaA.addListener(eventsA::add);
            replicaB.addListener(eventsB::add);
            try (RandomWriters writers = new RandomWriters(stack::connect, 3, ScopedReplicasIT::write)) {
                // small pages: the writers commit between the pages of the first sync
                SyncResult createdA = replicaA.sync();
                SyncResult createdB = replicaB.sync();
                assertEquals(SyncResult.Outcome.CREATED, createdA.outcome());
                assertEquals(List.of("companies", "users"), sorted(createdA.tablesRebuilt()));
                assertEquals(List.of("companies", "users"), sorted(createdB.tablesRebuilt()));
                assertTrue(writers.committed() > 0, "the writers committed during the first syncs");

                replicaA.startLiveSync();
                replicaB.startLiveSync();
                Conditions.await("A follows the writers", CONVERGE, () -> Conditions.applied(eventsA) > 20);
                Conditions.await("B follows the writers", CONVERGE, () -> Conditions.applied(eventsB) > 20);

                // release 3.0 adds companies.country while both follow and the writers write
                try (Connection c = stack.connect()) {
                    TestLiquibase.update(c, TestLiquibase.MASTER, "3.0");
                }
                SyncResult migratedA = awaitRelease(eventsA, "3.0");
                SyncResult migratedB = awaitRelease(eventsB, "3.0");
                // A sees the new column; B's column list does not, but its grant is over the table
                // whose definition changed: both reload companies, neither reloads users
                assertEquals(List.of("companies"), migratedA.tablesRebuilt(), migratedA.toString());
                assertEquals(List.of("users"), migratedA.tablesKept(), migratedA.toString());
                assertEquals(List.of("companies"), migratedB.tablesRebuilt(), migratedB.toString());
                assertEquals(List.of("users"), migratedB.tablesKept(), migratedB.toString());
                // companies only gained a column, but both grants filter its rows (and B's names its
                // columns): their feeds leave out changes made under the old definition, so the server
                // does not send the new column apart and both download the table whole
                assertTrue(eventsA.stream().noneMatch(e -> e instanceof SyncEvent.ColumnsAdded), eventsA.toString());
                assertTrue(eventsB.stream().noneMatch(e -> e instanceof SyncEvent.ColumnsAdded), eventsB.toString());
                assertEquals(
                        409,
                        api.get(
                                        SyncPaths.API_ROOT + "/" + SyncPaths.tableRows("companies") + "?column=country",
                                        a.secret())
                                .statusCode());
                long appliedA = Conditions.applied(eventsA);
                long appliedB = Conditions.applied(eventsB);
                Conditions.await(
                        "both follow the writers after the migration",
                        CONVERGE,
                        () -> Conditions.applied(eventsA) > appliedA + 10
                                && Conditions.applied(eventsB) > appliedB + 10);
            }
            awaitScopedView(replicaA, a);
            awaitScopedView(replicaB, b);
            assertTrue(
                    eventsA.stream().noneMatch(e -> e instanceof SyncEvent.SyncFailed), "A never failed: " + eventsA);
            assertTrue(
                    eventsB.stream().noneMatch(e -> e instanceof SyncEvent.SyncFailed), "B never failed: " + eventsB);
        }
        assertVerifies(a);
        assertVerifies(b);
    }

    @Test
    @Order(2)
    void changingAScopeRebuildsOnlyTheTablesWhoseScopeChanged() throws Exception {
        // A is granted one more column of users; B's attribute that only its companies filter uses changes
        patch(
                a,
                """
                {"grants": [{"table": "companies", "rowFilter": "id in (:companies)"},
                            {"table": "users", "columns": ["id", "company_id", "email", "active", "created_at",
                                                           "display_name"],
                             "rowFilter": "company_id in (:companies)"}]}""");
        patch(b, """
                {"attributes": {"min": "5000"}}""");
        Device widenedA = new Device(
                "a",
                a.token(),
                List.of(
                        a.views().get(0),
                        new View(
                                "users",
                                plus(A_USER_COLUMNS, "display_name"),
                                a.views().get(1).where())));
        Device narrowedB = new Device(
                "b",
                b.token(),
                List.of(
                        new View("companies", List.of("id", "name", "credit_limit"), "t.credit_limit >= 5000"),
                        b.views().get(1)));
        try (OutpostReplica replicaA = open(widenedA);
                OutpostReplica replicaB = open(narrowedB)) {
            SyncResult resultA = replicaA.sync();
            assertEquals(List.of("users"), resultA.tablesRebuilt(), resultA.toString());
            assertEquals(List.of("companies"), resultA.tablesKept(), resultA.toString());
            SyncResult resultB = replicaB.sync();
            assertEquals(List.of("companies"), resultB.tablesRebuilt(), resultB.toString());
            assertEquals(List.of("users"), resultB.tablesKept(), resultB.toString());
            assertScopedView(replicaA, widenedA);
            assertScopedView(replicaB, narrowedB);
        }
        assertVerifies(widenedA);
        assertVerifies(narrowedB);
    }

    @Test
    @Order(3)
    void aTokenWithoutGrantsSyncsAnEmptyReplicaThatReadsNothing() throws Exception {
        Device none = new Device("none", create("{\"name\": \"no-grants\", \"role\": \"replica\"}"), List.of());
        Cli.Run synced = cli("sync", none);
        assertEquals(0, synced.exit(), synced.toString());
        assertTrue(
                synced.out().matches("(?s)CREATED: tag \\(none\\) -> \\S+, 0 tables downloaded.*"), synced.toString());
        Cli.Run read = cli("sql", none, "select count(*) from users");
        assertEquals(7, read.exit(), "a table the query names is missing: " + read);
        assertTrue(read.err().contains("'USERS' does not exist"), read.toString());
        try (OutpostReplica replica = open(none);
                Connection derby = replica.openConnection();
                ResultSet tables = derby.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            List<String> names = new ArrayList<>();
            while (tables.next()) {
                names.add(tables.getString("TABLE_NAME"));
            }
            assertTrue(
                    names.stream().allMatch(n -> n.startsWith("OUTPOST_")), "only the replica's own tables: " + names);
        }
        Cli.Run verified = cli("verify", none);
        assertEquals(0, verified.exit(), verified.toString());
    }

    @Test
    @Order(4)
    void revokingATokenCutsItsLiveReplicaOffWithinASecondAndLeavesItReadable() throws Exception {
        Device device = new Device(
                "revoked",
                create(
                        "{\"name\": \"stolen-laptop\", \"role\": \"replica\", \"grants\": [{\"table\": \"companies\"}]}"),
                List.of(new View("companies", null, "true")));
        Cli.Started live = Cli.start(stack.runDir(), args("sync", device, "--live"));
        try {
            Conditions.await(
                    "the replica follows the change feed", CONVERGE, () -> printed(live, "following the change feed"));
            HttpResponse<String> revoked =
                    api.postJson(TOKENS + "/" + device.token().token().id() + "/revoke", ADMIN_TOKEN, "");
            long revokedAt = System.nanoTime();
            assertEquals(200, revoked.statusCode(), revoked.body());
            Conditions.await("the replica was refused", CONVERGE, () -> logged(live, "Live sync stopped"));
            long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt);
            Cli.Run ended = live.finish();
            System.out.printf("revoked -> live replica refused in %d ms%n", refusedMs);
            assertEquals(4, ended.exit(), "the authentication exit code: " + ended);
            assertTrue(ended.err().contains("refused the token (HTTP 401)"), ended.toString());
            // the server's bound is a second (AdminApiIT); the margin is for this process reading the log
            assertTrue(refusedMs <= 1_500, "refused within a second of the revocation, took " + refusedMs + " ms");
        } finally {
            live.process().destroyForcibly();
        }
        Cli.Run read = cli("sql", device, "select count(*) from companies");
        assertEquals(0, read.exit(), "the replica stays readable: " + read);
        assertTrue(read.out().contains(Long.toString(count("select count(*) from companies"))), read.toString());
        try (OutpostReplica replica = open(device)) {
            assertScopedView(replica, device);
        }
    }

    /**
     * One statement of the writers: companies created and moved across B's credit limit, users created,
     * moved between companies (across A's filter), activated, renamed and deleted.
     */
    private static void write(Connection c, ThreadLocalRandom random) throws SQLException {
        switch (random.nextInt(6)) {
            case 0 -> RandomWriters.update(
                    c,
                    "insert into companies (name, credit_limit, created_at) values (?, ?, now())",
                    "Written " + random.nextInt(1_000_000),
                    BigDecimal.valueOf(random.nextInt(800_000), 2));
            case 1 -> RandomWriters.update(
                    c,
                    "update companies set credit_limit = credit_limit + ?, name = name || '+' where id = ?",
                    BigDecimal.valueOf(random.nextBoolean() ? 2500 : -2500),
                    RandomWriters.randomId(c, "companies", random));
            case 2 -> RandomWriters.update(
                    c,
                    "insert into users (company_id, email, display_name, active, created_at)"
                            + " select id, ?, ?, ?, now() from companies where id = ?",
                    "w" + random.nextLong() + "@example.org",
                    random.nextBoolean() ? "Writer ✓" : null,
                    random.nextBoolean(),
                    RandomWriters.randomId(c, "companies", random));
            case 3 -> RandomWriters.update(
                    c,
                    "update users set company_id = ? where id = ?",
                    1L + random.nextInt(6),
                    RandomWriters.randomId(c, "users", random));
            case 4 -> RandomWriters.update(
                    c,
                    "update users set active = not coalesce(active, false), display_name = ? where id = ?",
                    random.nextBoolean() ? null : "renamed " + random.nextInt(100),
                    RandomWriters.randomId(c, "users", random));
            default -> RandomWriters.update(
                    c,
                    "delete from users where id = ?"
                            + " and not exists (select 1 from user_preferences p where p.user_id = users.id)",
                    RandomWriters.randomId(c, "users", random));
        }
    }

    private CreatedToken create(String json) {
        HttpResponse<String> r = api.postJson(TOKENS, ADMIN_TOKEN, json);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.fromJson(r.body(), CreatedToken.class);
    }

    private void patch(Device device, String json) {
        HttpResponse<String> r =
                api.send(api.request(TOKENS + "/" + device.token().token().id(), ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                        .build());
        assertEquals(200, r.statusCode(), r.body());
    }

    private OutpostReplica open(Device device) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(device.secret())
                .directory(directory(device))
                .pageRows(25)
                .checkInterval(Duration.ofSeconds(30))
                .build());
    }

    private Path directory(Device device) {
        return stack.work().resolve(device.name());
    }

    /** The result of the sync that brought the replica to {@code tag}, once it is reported. */
    private static SyncResult awaitRelease(List<SyncEvent> events, String tag) throws InterruptedException {
        Conditions.await("the replica moved to " + tag, CONVERGE, () -> events.stream()
                .anyMatch(e -> e instanceof SyncEvent.RebuildCompleted done
                        && tag.equals(done.result().newTag())));
        return events.stream()
                .filter(e -> e instanceof SyncEvent.RebuildCompleted done
                        && tag.equals(done.result().newTag()))
                .map(e -> ((SyncEvent.RebuildCompleted) e).result())
                .findFirst()
                .orElseThrow();
    }

    /** Waits until the replica (following asynchronously) equals its scoped view, then asserts it. */
    private void awaitScopedView(OutpostReplica replica, Device device) throws Exception {
        Conditions.eventually(CONVERGE, () -> assertScopedView(replica, device));
    }

    private void assertScopedView(OutpostReplica replica, Device device) throws SQLException {
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (View view : device.views()) {
                ReplicaComparison.assertSameScopedRows(pg, derby, view.table(), view.columns(), view.where());
            }
        }
    }

    /** The client's {@code verify} compares the replica with the server's digests of the token's scope. */
    private void assertVerifies(Device device) throws Exception {
        Cli.Run verified = cli("verify", device);
        assertEquals(0, verified.exit(), verified.toString());
        assertTrue(verified.out().contains("replica equals the server"), verified.toString());
    }

    private Cli.Run cli(String verb, Device device, String... more) throws Exception {
        return Cli.run(stack.runDir(), args(verb, device, more));
    }

    private String[] args(String verb, Device device, String... more) {
        List<String> all = new ArrayList<>(List.of(
                verb,
                "--server",
                stack.server().baseUri().toString(),
                "--token",
                device.secret(),
                "--replica",
                directory(device).toString()));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private long count(String sql) throws SQLException {
        try (Connection c = stack.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean printed(Cli.Started started, String text) {
        try {
            return started.outSoFar().contains(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean logged(Cli.Started started, String text) {
        try {
            return started.errSoFar().contains(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> sorted(List<String> names) {
        return names.stream().sorted().toList();
    }

    private static List<String> plus(List<String> names, String name) {
        List<String> all = new ArrayList<>(names);
        all.add(name);
        return all;
    }
}
