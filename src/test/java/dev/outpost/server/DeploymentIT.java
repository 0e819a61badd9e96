package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.WRITE_TOKEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.testsupport.ApiCalls;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real WAR deployed on a real server (Payara Micro here; the wildfly-it module runs this same
 * class on WildFly) over a real PostgreSQL, with Liquibase applied by the server at start-up.
 */
@ExtendWith(ArquillianExtension.class)
public class DeploymentIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String VERSION = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.VERSION;
    private static final String SCHEMA = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.SCHEMA;

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

    private static String rows(String table) {
        return SyncPaths.API_ROOT + "/" + SyncPaths.tableRows(URLEncoder.encode(table, StandardCharsets.UTF_8));
    }

    private static Problem problem(HttpResponse<String> r, int status, ProblemType type) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(
                MediaTypes.PROBLEM_JSON,
                r.headers().firstValue("Content-Type").orElse("").split(";")[0],
                r.body());
        Problem p = JSON.fromJson(r.body(), Problem.class);
        assertEquals(type.uri(), p.type(), r.body());
        assertFalse(p.detail().isBlank());
        assertFalse(r.body().contains("Exception"), "no stack traces or exception names: " + r.body());
        return p;
    }

    @Test
    void versionIsTheLatestTagAndChangesetThatTheServerApplied() {
        HttpResponse<String> r = api.get(VERSION, SYNC_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        VersionInfo v = JSON.fromJson(r.body(), VersionInfo.class);
        assertEquals("4.0", v.tag());
        assertEquals("r4-tag", v.latestChangeSet().id());
        assertEquals("liquibase/release-4.xml", v.latestChangeSet().file());
        assertEquals(
                Set.of(
                        "companies",
                        "users",
                        "workspaces",
                        "data_tables",
                        "data_table_columns",
                        "user_preferences",
                        "audit_notes"),
                v.tableFingerprints().keySet());
        assertNotNull(v.schemaFingerprint());
    }

    @Test
    void unchangedVersionIsANotModified() {
        HttpResponse<String> first = api.get(VERSION, SYNC_TOKEN);
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = api.send(api.request(VERSION, SYNC_TOKEN)
                .header("If-None-Match", etag)
                .GET()
                .build());
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
    }

    @Test
    void schemaDescribesColumnsKeysAndForeignKeysFromTheCatalog() {
        HttpResponse<String> r = api.get(SCHEMA, SYNC_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        SchemaInfo schema = JSON.fromJson(r.body(), SchemaInfo.class);
        TableSchema users = schema.tables().stream()
                .filter(t -> t.name().equals("users"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of(
                        "id",
                        "company_id",
                        "email",
                        "display_name",
                        "active",
                        "birth_date",
                        "avatar",
                        "created_at",
                        "phone"),
                users.columns().stream().map(c -> c.name()).toList());
        assertEquals("varchar", users.columns().get(2).type());
        assertEquals(320, users.columns().get(2).length());
        assertFalse(users.columns().get(2).nullable());
        assertEquals(List.of("id"), users.primaryKey());
        assertEquals(List.of(List.of("email")), users.uniqueConstraints());
        assertEquals("companies", users.foreignKeys().get(0).referencedTable());
        TableSchema companies = schema.tables().stream()
                .filter(t -> t.name().equals("companies"))
                .findFirst()
                .orElseThrow();
        assertEquals(12, companies.columns().get(2).precision());
        assertEquals(2, companies.columns().get(2).scale());
    }

    @Test
    void rowsWrittenThroughTheApiAreStreamedPageByPageWithGzip() throws Exception {
        HttpResponse<String> company = api.postJson(
                "api/companies",
                WRITE_TOKEN,
                "{\"name\":\"Acme " + System.nanoTime() + "\",\"creditLimit\":1200.50,\"country\":\"NL\"}");
        assertEquals(201, company.statusCode(), company.body());
        long companyId = JSON.fromJson(company.body(), CompanyId.class).id;
        assertEquals(
                200,
                api.get(company.headers().firstValue("Location").orElseThrow(), WRITE_TOKEN)
                        .statusCode(),
                "Location names the new company");
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> user = api.postJson(
                    "api/users",
                    WRITE_TOKEN,
                    "{\"companyId\":" + companyId + ",\"email\":\"u" + i + "-" + System.nanoTime()
                            + "@acme.test\",\"displayName\":\"Zoë \uD83D\uDE00\",\"birthDate\":\"1990-02-" + (10 + i)
                            + "\"}");
            assertEquals(201, user.statusCode(), user.body());
        }
        List<String[]> all = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            // each coding a client may offer, in turn: the server prefers zstd, honours q=0
            String[][] offers = {
                {"gzip", "gzip"}, {"zstd, gzip", "zstd"}, {"zstd;q=0, gzip", "gzip"}, {"br", "identity"}
            };
            String[] offer = offers[pages % offers.length];
            ApiCalls.Decoded page = api.getEncoded(
                    rows("users") + "?limit=2" + (after == null ? "" : "&after=" + after), SYNC_TOKEN, offer[0]);
            assertEquals(200, page.response().statusCode(), page.body());
            assertEquals(offer[1], page.coding(), "the coding answered to Accept-Encoding: " + offer[0]);
            String[] lines = page.body().split("\n");
            RowLines.End end = assertInstanceOf(RowLines.End.class, RowLines.parse(lines[lines.length - 1]));
            assertEquals(lines.length - 1, end.rows());
            for (int i = 0; i < lines.length - 1; i++) {
                all.add(assertInstanceOf(RowLines.Row.class, RowLines.parse(lines[i]))
                        .values());
            }
            after = end.next();
            pages++;
        } while (after != null);
        assertTrue(pages >= 6);
        List<String> expectedIds = new ArrayList<>();
        try (java.sql.Connection c = dev.outpost.server.testsupport.EmbeddedPostgresSession.connect();
                java.sql.ResultSet rs = c.createStatement().executeQuery("select id from users order by id")) {
            while (rs.next()) {
                expectedIds.add(rs.getString(1));
            }
        }
        assertEquals(
                expectedIds, all.stream().map(r -> r[0]).toList(), "every row once, in numeric key order across pages");
        // a page that ends the table announces no next page even when it is full (no empty page
        // follows); one row less, and the page announces the next
        HttpResponse<String> whole = api.get(rows("users") + "?limit=" + all.size(), SYNC_TOKEN);
        assertEquals(200, whole.statusCode(), whole.body());
        assertTrue(whole.headers().firstValue(SyncPaths.NEXT_PAGE_HEADER).isEmpty(), "no next page announced");
        String[] wholeLines = whole.body().split("\n");
        assertEquals(new RowLines.End(all.size(), null), RowLines.parse(wholeLines[wholeLines.length - 1]));
        HttpResponse<String> allButOne = api.get(rows("users") + "?limit=" + (all.size() - 1), SYNC_TOKEN);
        assertEquals(200, allButOne.statusCode(), allButOne.body());
        assertTrue(allButOne.headers().firstValue(SyncPaths.NEXT_PAGE_HEADER).isPresent(), "the next page announced");
        String[] last = all.get(all.size() - 1);
        assertEquals(Long.toString(companyId), last[1]);
        assertEquals("Zoë \uD83D\uDE00", last[3]);
        assertEquals("true", last[4], "booleans as PostgreSQL casts them to text");
        assertEquals("1990-02-21", last[5]);
        assertNull(last[6]);
        assertTrue(last[7].endsWith("+00"), "timestamptz in UTC: " + last[7]);

        // a page of named columns carries the key and those, in the table's order (a replica whose
        // table only gained columns asks for the key and the new ones)
        List<String[]> projected = new ArrayList<>();
        after = null;
        do {
            HttpResponse<String> page = api.get(
                    rows("users") + "?limit=5&column=birth_date&column=display_name"
                            + (after == null ? "" : "&after=" + after),
                    SYNC_TOKEN);
            assertEquals(200, page.statusCode(), page.body());
            String[] lines = page.body().split("\n");
            for (int i = 0; i < lines.length - 1; i++) {
                projected.add(assertInstanceOf(RowLines.Row.class, RowLines.parse(lines[i]))
                        .values());
            }
            after = assertInstanceOf(RowLines.End.class, RowLines.parse(lines[lines.length - 1]))
                    .next();
        } while (after != null);
        assertEquals(all.size(), projected.size());
        assertArrayEquals(
                new String[] {last[0], "Zoë \uD83D\uDE00", "1990-02-21"}, projected.get(projected.size() - 1));
    }

    @Test
    void writesArriveInTheChangeFeedAndALongPollWakesUpForThem() throws Exception {
        String changes = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.CHANGES;
        String now = awaitFeed(changes);
        String name = "Feed " + System.nanoTime();
        java.util.concurrent.CompletableFuture<ApiCalls.Decoded> poll =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> api.getGzip(changes + "?after=" + now + "&wait=30", SYNC_TOKEN));
        Thread.sleep(200); // the poll is waiting before the write happens
        assertEquals(
                201,
                api.postJson("api/companies", WRITE_TOKEN, "{\"name\":\"" + name + "\"}")
                        .statusCode());
        ApiCalls.Decoded page = poll.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, page.response().statusCode(), page.body());
        String[] lines = page.body().split("\n");
        dev.outpost.protocol.ChangeLines.Change change = dev.outpost.protocol.ChangeLines.Change.of(
                assertInstanceOf(RowLines.Row.class, RowLines.parse(lines[0])).values());
        assertEquals("companies", change.table());
        assertEquals(dev.outpost.protocol.ChangeLines.UPSERT, change.op());
        assertTrue(change.last());
        assertEquals(name, change.values()[1]);
        TableSchema companies = JSON.fromJson(api.get(SCHEMA, SYNC_TOKEN).body(), SchemaInfo.class).tables().stream()
                .filter(t -> t.name().equals("companies"))
                .findFirst()
                .orElseThrow();
        assertTrue(companies.followed(), "the feed follows companies");
        assertEquals(companies.shape(), change.shape(), "a change carries its table's row shape");
        RowLines.End end = assertInstanceOf(RowLines.End.class, RowLines.parse(lines[lines.length - 1]));
        assertEquals(change.position(), end.next());

        problem(api.get(changes + "?after=not-a-position", SYNC_TOKEN), 400, ProblemType.MALFORMED_CURSOR);
        problem(api.get(changes + "?after=999999999", SYNC_TOKEN), 409, ProblemType.MUST_REBUILD);
        problem(api.get(changes + "?after=0&wait=3600", SYNC_TOKEN), 400, ProblemType.BAD_REQUEST);
        HttpResponse<String> feed =
                api.get(SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.FEED, SYNC_TOKEN);
        assertEquals(200, feed.statusCode(), feed.body());
        dev.outpost.protocol.FeedStatus feedStatus = JSON.fromJson(feed.body(), dev.outpost.protocol.FeedStatus.class);
        assertTrue(feedStatus.slotActive(), feed.body());
        assertEquals(dev.outpost.protocol.FeedStatus.CAPTURING, feedStatus.mode(), feed.body());
        assertNull(feedStatus.reason(), feed.body());
    }

    @Test
    void aPositionBeforeASchemaChangeIsServedOnlyToAReplicaWithTheCurrentSchema() throws Exception {
        String changes = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.CHANGES;
        String feed = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.FEED;
        String old = awaitFeed(changes);
        String name = "Before schema change " + System.nanoTime();
        assertEquals(
                201,
                api.postJson("api/companies", WRITE_TOKEN, "{\"name\":\"" + name + "\"}")
                        .statusCode());
        ApiCalls.Decoded written = api.getGzip(changes + "?after=" + old + "&wait=30", SYNC_TOKEN);
        assertEquals(200, written.response().statusCode(), written.body());
        String[] writtenLines = written.body().split("\n");
        long stored = Long.parseLong(((RowLines.End) RowLines.parse(writtenLines[writtenLines.length - 1])).next());
        try (java.sql.Connection c = dev.outpost.server.testsupport.EmbeddedPostgresSession.connect();
                java.sql.Statement st = c.createStatement()) {
            st.execute("create table schema_probe (id int primary key)");
        }
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (JSON.fromJson(api.get(feed, SYNC_TOKEN).body(), dev.outpost.protocol.FeedStatus.class)
                            .epoch()
                    < stored) {
                assertTrue(System.nanoTime() < deadline, "the capturer recorded the schema change");
                Thread.sleep(200);
            }
            String current = JSON.fromJson(api.get(SCHEMA, SYNC_TOKEN).body(), SchemaInfo.class)
                    .fingerprint();
            problem(api.get(changes + "?after=" + old, SYNC_TOKEN), 409, ProblemType.MUST_REBUILD);
            problem(
                    api.get(changes + "?after=" + old + "&" + SyncPaths.SCHEMA_PARAM + "=0123abcd", SYNC_TOKEN),
                    409,
                    ProblemType.MUST_REBUILD);
            ApiCalls.Decoded migrated =
                    api.getGzip(changes + "?after=" + old + "&" + SyncPaths.SCHEMA_PARAM + "=" + current, SYNC_TOKEN);
            assertEquals(200, migrated.response().statusCode(), migrated.body());
            assertTrue(migrated.body().contains(name), migrated.body());
        } finally {
            try (java.sql.Connection c = dev.outpost.server.testsupport.EmbeddedPostgresSession.connect();
                    java.sql.Statement st = c.createStatement()) {
                st.execute("drop table schema_probe");
            }
        }
    }

    /** The feed's newest position, once capture runs (it starts with the application). */
    private String awaitFeed(String changes) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = api.get(changes, SYNC_TOKEN);
            if (r.statusCode() == 200) {
                return ((RowLines.End) RowLines.parse(r.body().trim())).next();
            }
            assertTrue(System.nanoTime() < deadline, "the change feed came up: " + r.body());
            Thread.sleep(200);
        }
    }

    @Test
    void missingWrongOrInsufficientTokensAreRefusedWithProblems() {
        problem(api.get(VERSION, null), 401, ProblemType.UNAUTHORIZED);
        problem(api.get(VERSION, "not-a-token"), 401, ProblemType.UNAUTHORIZED);
        problem(
                api.send(api.request(VERSION, null)
                        .header("Authorization", "Basic Zm9vOmJhcg==")
                        .GET()
                        .build()),
                401,
                ProblemType.UNAUTHORIZED);
        problem(api.postJson("api/companies", SYNC_TOKEN, "{\"name\":\"x\"}"), 403, ProblemType.FORBIDDEN);
    }

    @Test
    void badInputIsAClientErrorNeverAServerError() {
        problem(api.get(rows("no_such_table"), SYNC_TOKEN), 404, ProblemType.UNKNOWN_TABLE);
        problem(api.get(rows("databasechangelog"), SYNC_TOKEN), 404, ProblemType.UNKNOWN_TABLE);
        problem(api.get(rows("users") + "?after=***", SYNC_TOKEN), 400, ProblemType.MALFORMED_CURSOR);
        problem(api.get(rows("users") + "?after=bm90LWEtY3Vyc29y", SYNC_TOKEN), 400, ProblemType.MALFORMED_CURSOR);
        // a well-formed cursor for the table whose key value is not a bigint
        String forged = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("[\"users\",\"abc\"]".getBytes(StandardCharsets.UTF_8));
        problem(api.get(rows("users") + "?after=" + forged, SYNC_TOKEN), 400, ProblemType.MALFORMED_CURSOR);
        problem(api.get(rows("users") + "?limit=0", SYNC_TOKEN), 400, ProblemType.BAD_REQUEST);
        problem(api.get(rows("users") + "?column=no_such_column", SYNC_TOKEN), 400, ProblemType.BAD_REQUEST);
        // the feed position a page must cover: a position, or the page is refused before any row is read
        problem(api.get(rows("users") + "?position=-1", SYNC_TOKEN), 400, ProblemType.MALFORMED_CURSOR);
        problem(api.get(rows("users") + "?position=yesterday", SYNC_TOKEN), 400, ProblemType.MALFORMED_CURSOR);
        problem(
                api.send(api.request(VERSION, SYNC_TOKEN)
                        .header("Accept", "text/html")
                        .GET()
                        .build()),
                406,
                ProblemType.BAD_REQUEST);
        HttpResponse<String> oddEtag = api.send(api.request(VERSION, SYNC_TOKEN)
                .header("If-None-Match", "\"unterminated")
                .GET()
                .build());
        assertTrue(
                oddEtag.statusCode() == 200 || oddEtag.statusCode() == 400,
                "a malformed If-None-Match is not a server error: " + oddEtag.statusCode());
        problem(api.get(rows("users") + "?limit=lots", SYNC_TOKEN), 400, ProblemType.BAD_REQUEST);
        problem(api.get("api/sync/nothing-here", SYNC_TOKEN), 404, ProblemType.NOT_FOUND);
        problem(api.postJson("api/companies", WRITE_TOKEN, "{\"creditLimit\":1}"), 400, ProblemType.BAD_REQUEST);
        problem(api.postJson("api/companies", WRITE_TOKEN, "{not json"), 400, ProblemType.BAD_REQUEST);
        problem(
                api.postJson("api/users", WRITE_TOKEN, "{\"companyId\":999999,\"email\":\"x@y.z\"}"),
                409,
                ProblemType.CONFLICT);
        problem(api.get("api/companies/999999", WRITE_TOKEN), 404, ProblemType.NOT_FOUND);
    }

    /** The id of a created entity. */
    public static class CompanyId {
        public long id;
    }
}
