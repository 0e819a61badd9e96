package dev.outpost.server.fleet;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.ADMIN_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.FleetSample;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Overview;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.ReplicaDetail;
import dev.outpost.protocol.ReplicaInfo;
import dev.outpost.protocol.Rollout;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.SyncReport;
import dev.outpost.protocol.TableInfo;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.testsupport.ApiCalls;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.lang.reflect.Type;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The server learns its replicas, on a real server over a real PostgreSQL: requests that name their
 * replica and the reports of their syncs show in the admin API (release, outcome, position and lag,
 * history) within a few seconds; the overview shows the live version, the feed and the releases; bad
 * reports are 4xx problems; only admins read the fleet; the console's files are served by the WAR. Runs on
 * Payara Micro here and on WildFly in the wildfly-it module.
 */
@ExtendWith(ArquillianExtension.class)
public class FleetIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String SYNC = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/";
    private static final String ADMIN = SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/";
    private static final String REPLICAS = ADMIN + AdminPaths.REPLICAS;
    private static final Type SAMPLE_LIST =
            new ArrayList<FleetSample>() {}.getClass().getGenericSuperclass();
    private static final Type TABLE_LIST =
            new ArrayList<TableInfo>() {}.getClass().getGenericSuperclass();
    private static final Type REPLICA_LIST =
            new ArrayList<ReplicaInfo>() {}.getClass().getGenericSuperclass();

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")));
    }

    @ArquillianResource
    private URL base;

    private ApiCalls api;

    @BeforeEach
    void client() throws Exception {
        api = new ApiCalls(base.toURI());
    }

    @Test
    void requestsAndReportsOfAReplicaShowInTheAdminApi() throws Exception {
        String replica = UUID.randomUUID().toString();
        assertEquals(200, named(replica, SYNC + SyncPaths.VERSION).statusCode());
        SyncReport rebuilt = new SyncReport(
                "REBUILT",
                "9.1",
                "fp-91",
                List.of("users"),
                List.of("companies"),
                120,
                4096,
                850,
                null,
                null,
                null,
                2,
                List.of("users.birth_date"));
        assertEquals(204, report(replica, JSON.toJson(rebuilt)).statusCode());

        ReplicaInfo seen = await(replica, r -> "9.1".equals(r.tag()));
        assertEquals("7.7.7-test", seen.clientVersion());
        assertEquals("REBUILT", seen.lastOutcome());
        assertEquals("fp-91", seen.schemaFingerprint());
        assertNotNull(seen.tokenName());
        assertNotNull(seen.firstSeen());
        assertNotNull(seen.lastSyncAt());

        // a changes request tells the replica's position; the lag is computed from the change log
        String position = feedPosition(replica);
        ReplicaInfo following = await(replica, r -> Long.valueOf(position).equals(r.position()));
        assertTrue(following.changesBehind() != null && following.changesBehind() >= 0, following.toString());
        assertTrue(following.secondsBehind() != null && following.secondsBehind() >= 0, following.toString());

        SyncReport failed = new SyncReport(
                SyncReport.FAILED,
                "9.1",
                "fp-91",
                List.of(),
                List.of(),
                0,
                0,
                30,
                null,
                "SERVER_UNREACHABLE",
                "gone",
                0,
                List.of());
        assertEquals(204, report(replica, JSON.toJson(failed)).statusCode());
        ReplicaInfo failing = await(replica, r -> SyncReport.FAILED.equals(r.lastOutcome()));
        assertEquals("SERVER_UNREACHABLE", failing.lastErrorCode());
        assertEquals("gone", failing.lastError());
        assertEquals("9.1", failing.tag(), "a failed sync leaves the release the replica holds");

        HttpResponse<String> detail = api.get(REPLICAS + "/" + replica, ADMIN_TOKEN);
        assertEquals(200, detail.statusCode(), detail.body());
        ReplicaDetail history = JSON.fromJson(detail.body(), ReplicaDetail.class);
        assertEquals(replica, history.replica().id());
        assertEquals(
                List.of(failed, rebuilt),
                history.syncs().stream().map(ReplicaDetail.Sync::report).toList(),
                "its syncs, newest first");

        HttpResponse<String> rollout = api.get(ADMIN + "releases/9.1/rollout", ADMIN_TOKEN);
        assertEquals(200, rollout.statusCode(), rollout.body());
        Rollout release = JSON.fromJson(rollout.body(), Rollout.class);
        assertEquals(1, release.arrivals().size(), "one replica reached 9.1 (its failed sync does not count)");
        assertEquals(1, release.onIt());
        assertTrue(release.replicas() >= 1, release.toString());
    }

    @Test
    void theOverviewAndTheTablesShowWhatTheServerServes() throws Exception {
        HttpResponse<String> r = api.get(ADMIN + AdminPaths.OVERVIEW, ADMIN_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        Overview overview = JSON.fromJson(r.body(), Overview.class);
        VersionInfo version =
                JSON.fromJson(api.get(SYNC + SyncPaths.VERSION, SYNC_TOKEN).body(), VersionInfo.class);
        assertEquals(version.tag(), overview.live().tag());
        assertEquals(version.schemaFingerprint(), overview.live().schemaFingerprint());
        assertNotNull(overview.feed().mode());
        if (overview.feed().slotActive()) {
            assertTrue(
                    overview.capturingInstance() != null
                            && overview.capturingInstance().contains("@"),
                    overview.toString());
        }
        assertTrue(overview.changesPerSecond() >= 0, overview.toString());
        assertTrue(!overview.releases().isEmpty(), overview.toString());
        assertEquals(
                version.tag(),
                overview.releases().stream()
                        .filter(release -> release.tag() != null)
                        .findFirst()
                        .orElseThrow()
                        .tag(),
                "the newest tagged release first");
        problem(api.get(ADMIN + AdminPaths.OVERVIEW, SYNC_TOKEN), 403, null);

        HttpResponse<String> tables = api.get(ADMIN + AdminPaths.TABLES, ADMIN_TOKEN);
        assertEquals(200, tables.statusCode(), tables.body());
        List<TableInfo> listed = JSON.fromJson(tables.body(), TABLE_LIST);
        assertEquals(
                version.tableFingerprints().keySet(),
                listed.stream().map(TableInfo::name).collect(java.util.stream.Collectors.toSet()));
        for (TableInfo table : listed) {
            assertEquals(version.tableFingerprints().get(table.name()), table.fingerprint());
            assertTrue(table.bytes() >= 0 && table.columns() > 0, table.toString());
            assertEquals(table.followed(), table.notFollowedBecause() == null, table.toString());
        }
        problem(api.get(ADMIN + AdminPaths.TABLES, SYNC_TOKEN), 403, null);

        // the servers sample the fleet once a minute, the first time within seconds of starting
        List<FleetSample> samples = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (samples.isEmpty() && System.nanoTime() < deadline) {
            HttpResponse<String> history = api.get(ADMIN + AdminPaths.FLEET_HISTORY + "?hours=1", ADMIN_TOKEN);
            assertEquals(200, history.statusCode(), history.body());
            samples = JSON.fromJson(history.body(), SAMPLE_LIST);
            Thread.sleep(200);
        }
        assertTrue(!samples.isEmpty(), "a sample within 30 s");
        for (FleetSample sample : samples) {
            // current excludes behind and failing; a replica may be both behind and failing
            assertTrue(sample.current() + sample.behind() <= sample.replicas(), sample.toString());
            assertTrue(sample.current() + sample.behind() + sample.failing() >= sample.replicas(), sample.toString());
            assertTrue(sample.at().isAfter(java.time.OffsetDateTime.now().minusHours(1)), sample.toString());
        }
        problem(api.get(ADMIN + AdminPaths.FLEET_HISTORY + "?hours=0", ADMIN_TOKEN), 400, "hours");
        problem(api.get(ADMIN + AdminPaths.FLEET_HISTORY, SYNC_TOKEN), 403, null);
    }

    @Test
    void theConsoleAndItsChartLibraryAreServedByTheWarUnderItsPolicy() {
        HttpResponse<String> page = api.get("admin/", null);
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("console.js"), page.body());
        assertTrue(
                page.headers().firstValue("Content-Security-Policy").orElse("").contains("script-src 'self'"),
                page.headers().toString());
        for (String file : List.of("admin/console.js", "admin/console.css", chartLibrary(page.body()))) {
            HttpResponse<String> served = api.get(file, null);
            assertEquals(200, served.statusCode(), file);
            assertTrue(served.body().length() > 1_000, file);
        }
    }

    /** The chart library's path as the console's page names it ({@code ../webjars/...}). */
    private static String chartLibrary(String page) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("src=\"\\.\\./(webjars/[^\"]+)\"")
                .matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    @Test
    void badReportsAndStrangersAreRefusedWithProblems() throws Exception {
        String valid = "{\"outcome\":\"UP_TO_DATE\"}";
        problem(api.postJson(SYNC + SyncPaths.REPORTS, SYNC_TOKEN, valid), 400, "header Outpost-Replica");
        problem(report("not-a-uuid", valid), 400, "header Outpost-Replica");
        String replica = UUID.randomUUID().toString();
        problem(report(replica, "{\"outcome\":\"FINE\"}"), 400, "outcome");
        problem(report(replica, "{\"outcome\":\"UP_TO_DATE\",\"rows\":-1}"), 400, "rows");
        problem(report(replica, "{\"outcome\":\"UP_TO_DATE\",\"secret\":1}"), 400, "unknown fields");
        problem(report(replica, "{\"outcome\":\"UP_TO_DATE\",\"tablesKept\":\"users\"}"), 400, "tablesKept");
        problem(report(replica, "[1]"), 400, "JSON object");
        assertEquals(
                401,
                api.postJson(SYNC + SyncPaths.REPORTS, "wrong-token", valid).statusCode());

        problem(api.get(REPLICAS, SYNC_TOKEN), 403, null);
        problem(api.get(REPLICAS + "/" + replica, SYNC_TOKEN), 403, null);
        problem(api.get(REPLICAS + "?limit=0", ADMIN_TOKEN), 400, "limit");
        problem(api.get(REPLICAS + "/1%27%20or%20%271", ADMIN_TOKEN), 400, "UUID");
        problem(api.get(REPLICAS + "/" + replica, ADMIN_TOKEN), 404, replica);
    }

    private HttpResponse<String> named(String replica, String path) {
        return api.send(api.request(path, SYNC_TOKEN)
                .header(SyncPaths.REPLICA_HEADER, replica)
                .header(SyncPaths.CLIENT_HEADER, "7.7.7-test")
                .GET()
                .build());
    }

    private HttpResponse<String> report(String replica, String json) {
        return api.send(api.request(SYNC + SyncPaths.REPORTS, SYNC_TOKEN)
                .header(SyncPaths.REPLICA_HEADER, replica)
                .header(SyncPaths.CLIENT_HEADER, "7.7.7-test")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /** The feed's current position, then a changes request from it naming the replica. */
    private String feedPosition(String replica) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = api.get(SYNC + SyncPaths.CHANGES, SYNC_TOKEN);
            if (r.statusCode() == 200) {
                String position = ((RowLines.End) RowLines.parse(r.body().trim())).next();
                HttpResponse<String> from = named(replica, SYNC + SyncPaths.CHANGES + "?after=" + position);
                assertEquals(200, from.statusCode(), from.body());
                return position;
            }
            assertTrue(System.nanoTime() < deadline, "the change feed came up: " + r.body());
            Thread.sleep(200);
        }
    }

    /** Waits (the servers write every few seconds) until the admin API lists the replica as {@code wanted}. */
    private ReplicaInfo await(String replica, Predicate<ReplicaInfo> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Optional<ReplicaInfo> found = Optional.empty();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = api.get(REPLICAS, ADMIN_TOKEN);
            assertEquals(200, r.statusCode(), r.body());
            List<ReplicaInfo> all = JSON.fromJson(r.body(), REPLICA_LIST);
            found = all.stream().filter(i -> i.id().equals(replica)).findFirst();
            if (found.isPresent() && wanted.test(found.get())) {
                return found.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the admin API did not show " + replica + " as wanted; last: " + found);
    }

    private static void problem(HttpResponse<String> r, int status, String detailPart) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(
                r.headers().firstValue("Content-Type").orElse("").startsWith(MediaTypes.PROBLEM_JSON),
                r.headers().toString());
        Problem p = JSON.fromJson(r.body(), Problem.class);
        assertEquals(status, p.status());
        if (detailPart != null) {
            assertTrue(p.detail().contains(detailPart), p.detail());
        }
        if (status == 400) {
            assertEquals(ProblemType.BAD_REQUEST.uri(), p.type(), r.body());
        }
    }
}
