package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowDigest;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.TableAccessScopes;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.net.URL;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.ClassLoaderAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A restricted scope on the real WAR over a real PostgreSQL with the change feed running: the version,
 * the schema, pages, digests and changes show only the granted table, its granted columns and the rows
 * of its filter. The scope comes from {@link TableAccessScopes}, added to the WAR for this test only.
 */
@ExtendWith(ArquillianExtension.class)
public class AccessScopeIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String ROOT = SyncPaths.API_ROOT + "/";
    private static final String SYNC = ROOT + SyncPaths.SYNC + "/";
    private static final String VERSION = SYNC + SyncPaths.VERSION;
    private static final String SCHEMA = SYNC + SyncPaths.SCHEMA;
    private static final String CHANGES = SYNC + SyncPaths.CHANGES;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        // added as bytes, not as a class: where this test runs beside the WAR (WildFly), the server's own
        // classes are not on the test's class path (so this test uses none of them)
        String path = "dev/outpost/server/testsupport/TableAccessScopes.class";
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")))
                .addAsWebInfResource(new ClassLoaderAsset(path), "classes/" + path);
    }

    @ArquillianResource
    private URL base;

    @Test
    void aRestrictedScopeSeesOnlyItsTableColumnsAndRowsEverywhere() throws Exception {
        ApiCalls api = new ApiCalls(base.toURI());
        String tag = Long.toString(System.nanoTime());
        HttpResponse<String> open = api.get(VERSION, SYNC_TOKEN);
        assertEquals(200, open.statusCode(), open.body());
        String openEtag = open.headers().firstValue("ETag").orElseThrow();
        assertTrue(JSON.fromJson(open.body(), VersionInfo.class)
                .tableFingerprints()
                .containsKey("users"));
        try (Connection db = EmbeddedPostgresSession.connect()) {
            long de1 = insert(db, "Scope DE1 " + tag, "DE");
            insert(db, "Scope FR1 " + tag, "FR");
            // a caller who may read every row is told about how many a table has, on its first page only
            exec(db, "analyze companies");
            HttpResponse<String> first = api.get(ROOT + SyncPaths.tableRows("companies") + "?limit=1", SYNC_TOKEN);
            long rowsNow = count(db, "select count(*) from companies");
            long estimate = Long.parseLong(
                    first.headers().firstValue(SyncPaths.ESTIMATED_ROWS_HEADER).orElseThrow());
            // analyzed: the count; the statistics may add the two inserts above once more, if they were
            // flushed after the analyze
            assertTrue(estimate >= rowsNow && estimate <= rowsNow + 2, estimate + " estimated, " + rowsNow + " rows");
            HttpResponse<String> second =
                    api.get(ROOT + SyncPaths.tableRows("companies") + "?limit=1&after=" + cursorOf(first), SYNC_TOKEN);
            assertEquals(200, second.statusCode(), second.body());
            assertTrue(
                    second.headers().firstValue(SyncPaths.ESTIMATED_ROWS_HEADER).isEmpty());
            exec(
                    db,
                    "alter table companies replica identity full", // what ReplicaIdentity.requireFull does
                    "create schema " + TableAccessScopes.SCHEMA,
                    "create table outpost_test.grants (table_name text primary key, columns text[], row_filter text)",
                    "create table outpost_test.attributes (name text primary key, vals text[])",
                    "insert into outpost_test.grants values ('companies', '{id,name,country}', 'country = :country')",
                    "insert into outpost_test.attributes values ('country', '{DE}')");
            try {
                // version: the granted table only, under an entity tag of its own
                HttpResponse<String> scoped = api.get(VERSION, SYNC_TOKEN);
                assertEquals(200, scoped.statusCode(), scoped.body());
                VersionInfo version = JSON.fromJson(scoped.body(), VersionInfo.class);
                assertEquals(Set.of("companies"), version.tableFingerprints().keySet());
                String etag = scoped.headers().firstValue("ETag").orElseThrow();
                assertNotEquals(openEtag, etag);
                assertEquals(200, revalidate(api, openEtag).statusCode(), "another scope's tag is no 304");
                assertEquals(304, revalidate(api, etag).statusCode());

                // schema: the granted columns, followed under replica identity FULL
                SchemaInfo schema = JSON.fromJson(api.get(SCHEMA, SYNC_TOKEN).body(), SchemaInfo.class);
                assertEquals(version.schemaFingerprint(), schema.fingerprint());
                assertEquals(1, schema.tables().size());
                TableSchema companies = schema.tables().get(0);
                assertEquals(
                        List.of("id", "name", "country"),
                        companies.columns().stream().map(ColumnSchema::name).toList());
                assertEquals(version.tableFingerprints().get("companies"), companies.fingerprint());
                assertTrue(companies.followed());

                // an ungranted table is exactly an unknown one
                Problem hidden = problem(api.get(ROOT + SyncPaths.tableRows("users"), SYNC_TOKEN));
                Problem unknown = problem(api.get(ROOT + SyncPaths.tableRows("no_such_table"), SYNC_TOKEN));
                assertEquals(unknown.detail().replace("no_such_table", "users"), hidden.detail());
                problem(api.get(ROOT + SyncPaths.tableDigest("users"), SYNC_TOKEN));

                // pages and digest: the filter's rows, the granted columns, and no estimate of the table's size
                HttpResponse<String> filteredFirst =
                        api.get(ROOT + SyncPaths.tableRows("companies") + "?limit=2", SYNC_TOKEN);
                assertTrue(
                        filteredFirst
                                .headers()
                                .firstValue(SyncPaths.ESTIMATED_ROWS_HEADER)
                                .isEmpty(),
                        "a row filter's caller learns nothing of the rows outside it");
                List<String[]> rows = rows(filteredFirst);
                String next = cursorOf(api.get(ROOT + SyncPaths.tableRows("companies") + "?limit=2", SYNC_TOKEN));
                while (next != null) {
                    HttpResponse<String> page =
                            api.get(ROOT + SyncPaths.tableRows("companies") + "?limit=2&after=" + next, SYNC_TOKEN);
                    rows.addAll(rows(page));
                    next = cursorOf(page);
                }
                assertEquals(count(db, "select count(*) from companies where country = 'DE'"), rows.size());
                assertTrue(rows.stream().anyMatch(r -> r[1].equals("Scope DE1 " + tag)));
                for (String[] row : rows) {
                    assertEquals(3, row.length);
                    assertEquals("DE", row[2]);
                }
                TableDigest digest = JSON.fromJson(
                        api.get(ROOT + SyncPaths.tableDigest("companies"), SYNC_TOKEN)
                                .body(),
                        TableDigest.class);
                RowDigest expected = new RowDigest();
                for (String[] row : rows) {
                    String[] canonical = new String[row.length];
                    for (int i = 0; i < row.length; i++) {
                        canonical[i] =
                                RowDigest.canonical(companies.columns().get(i).type(), row[i]);
                    }
                    expected.add(canonical);
                }
                assertEquals(rows.size(), digest.rows());
                assertEquals(expected.hex(), digest.digest());

                // changes: rows entering and leaving the filter, nothing of the others
                String from = api.awaitFeedPosition(CHANGES, SYNC_TOKEN);
                long de2 = insert(db, "Scope DE2 " + tag, "DE");
                long fr2 = insert(db, "Scope FR2 " + tag, "FR");
                exec(
                        db,
                        "update companies set credit_limit = 5 where id = " + fr2, // outside: nothing
                        "update companies set country = 'DE' where id = " + fr2, // enters
                        "update companies set country = 'FR' where id = " + de1, // leaves
                        "update companies set credit_limit = 7 where id = " + de2); // inside
                long end = insert(db, "Scope end " + tag, "DE");
                List<String> seen = new ArrayList<>();
                String position = from;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (seen.stream().noneMatch(s -> s.contains("Scope end"))) {
                    assertTrue(System.nanoTime() < deadline, "changes seen: " + seen);
                    HttpResponse<String> r = api.get(CHANGES + "?after=" + position + "&wait=5", SYNC_TOKEN);
                    assertEquals(200, r.statusCode(), r.body());
                    for (String line : r.body().split("\n")) {
                        RowLines.Line parsed = RowLines.parse(line);
                        if (parsed instanceof RowLines.Row row) {
                            ChangeLines.Change change = ChangeLines.Change.of(row.values());
                            assertEquals("companies", change.table(), line);
                            assertEquals(companies.shape(), change.shape(), line);
                            seen.add(change.op() + " " + String.join(",", change.values()));
                        } else {
                            position = ((RowLines.End) parsed).next();
                        }
                    }
                }
                assertEquals(
                        List.of(
                                "U " + de2 + ",Scope DE2 " + tag + ",DE",
                                "U " + fr2 + ",Scope FR2 " + tag + ",DE",
                                "D " + de1,
                                "U " + de2 + ",Scope DE2 " + tag + ",DE",
                                "U " + end + ",Scope end " + tag + ",DE"),
                        seen);
            } finally {
                exec(db, "drop schema " + TableAccessScopes.SCHEMA + " cascade");
            }
            HttpResponse<String> reopened = api.get(VERSION, SYNC_TOKEN);
            assertTrue(JSON.fromJson(reopened.body(), VersionInfo.class)
                    .tableFingerprints()
                    .containsKey("users"));
        }
    }

    private static HttpResponse<String> revalidate(ApiCalls api, String etag) {
        return api.send(api.request(VERSION, SYNC_TOKEN)
                .header("If-None-Match", etag)
                .GET()
                .build());
    }

    private static Problem problem(HttpResponse<String> r) {
        assertEquals(404, r.statusCode(), r.body());
        Problem p = JSON.fromJson(r.body(), Problem.class);
        assertEquals(ProblemType.UNKNOWN_TABLE.uri(), p.type());
        return p;
    }

    private static List<String[]> rows(HttpResponse<String> page) {
        assertEquals(200, page.statusCode(), page.body());
        List<String[]> rows = new ArrayList<>();
        for (String line : page.body().split("\n")) {
            if (RowLines.parse(line) instanceof RowLines.Row row) {
                rows.add(row.values());
            }
        }
        return rows;
    }

    private static String cursorOf(HttpResponse<String> page) {
        String[] lines = page.body().split("\n");
        return ((RowLines.End) RowLines.parse(lines[lines.length - 1])).next();
    }

    private static long insert(Connection db, String name, String country) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "insert into companies (name, country, credit_limit, created_at) values (?, ?, 1, now()) returning id")) {
            ps.setString(1, name);
            ps.setString(2, country);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection db, String... sql) throws SQLException {
        try (Statement st = db.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
