package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.ADMIN_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.WRITE_TOKEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.AuditEntry;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TokenInfo;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.ServerLog;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The admin API on a real server over a real PostgreSQL: tokens created, changed and revoked through
 * it authenticate (or stop authenticating) sync requests, only their hash is stored, every action is
 * audited, bad input is a 4xx problem, and failed authentications are throttled. Runs on Payara Micro
 * here and on WildFly in the wildfly-it module.
 */
@ExtendWith(ArquillianExtension.class)
public class AdminApiIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String TOKENS = "api/admin/tokens";
    private static final String AUDIT = "api/admin/audit";
    private static final String VERSION = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.VERSION;
    private static final String CHANGES = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.CHANGES;
    private static final Type TOKEN_LIST =
            new ArrayList<TokenInfo>() {}.getClass().getGenericSuperclass();
    private static final Type AUDIT_LIST =
            new ArrayList<AuditEntry>() {}.getClass().getGenericSuperclass();

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
    void createsListsUpdatesAndRevokesTokensAndAuditsEachAction() throws Exception {
        String name = "laptop-" + System.nanoTime();
        HttpResponse<String> r = api.postJson(
                TOKENS,
                ADMIN_TOKEN,
                "{\"name\":\"" + name + "\",\"role\":\"replica\",\"grants\":[{\"table\":\"users\"},"
                        + "{\"table\":\"companies\",\"columns\":[\"id\",\"name\"]},"
                        + "{\"table\":\"users_x\",\"rowFilter\":\"x\"}]}");
        problem(r, 400, ProblemType.BAD_REQUEST);
        assertTrue(r.body().contains("users_x"), r.body());

        r = api.postJson(
                TOKENS,
                ADMIN_TOKEN,
                "{\"name\":\"" + name + "\",\"role\":\"replica\",\"expires\":\"2099-01-01T00:00:00Z\","
                        + "\"grants\":[{\"table\":\"users\",\"rowFilter\":\"company_id = :company\"},"
                        + "{\"table\":\"companies\",\"columns\":[\"id\",\"name\"]}],"
                        + "\"attributes\":{\"company\":\"7\"}}");
        assertEquals(201, r.statusCode(), r.body());
        CreatedToken created = JSON.fromJson(r.body(), CreatedToken.class);
        String secret = created.secret();
        assertTrue(secret.matches("op_[A-Za-z0-9_-]{43}"), secret);
        TokenInfo token = created.token();
        assertEquals(name, token.name());
        assertEquals("replica", token.role());
        assertNull(token.revoked());
        assertEquals(
                List.of(
                        new TokenInfo.Grant("companies", List.of("id", "name"), null),
                        new TokenInfo.Grant("users", null, "company_id = :company")),
                token.grants());
        assertEquals(Map.of("company", List.of("7")), token.attributes());
        assertTrue(r.headers().firstValue("Location").orElseThrow().endsWith("tokens/" + token.id()));

        try (Connection c = EmbeddedPostgresSession.connect();
                PreparedStatement st =
                        c.prepareStatement("select secret_sha256, t::text from outpost_feed.tokens t where id = ?")) {
            st.setLong(1, token.id());
            try (ResultSet rs = st.executeQuery()) {
                assertTrue(rs.next());
                assertArrayEquals(
                        MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)),
                        rs.getBytes(1));
                assertFalse(rs.getString(2).contains(secret.substring(3)), "only the hash is stored");
            }
        }

        HttpResponse<String> listed = api.get(TOKENS, ADMIN_TOKEN);
        assertEquals(200, listed.statusCode(), listed.body());
        assertFalse(listed.body().contains(secret.substring(3)), "the secret is shown once");
        List<TokenInfo> all = JSON.fromJson(listed.body(), TOKEN_LIST);
        assertTrue(all.stream().anyMatch(t -> t.id() == token.id()));
        HttpResponse<String> one = api.get(TOKENS + "/" + token.id(), ADMIN_TOKEN);
        assertEquals(200, one.statusCode());
        assertFalse(one.body().contains(secret.substring(3)));

        assertEquals(200, api.get(VERSION, secret).statusCode(), "a replica token reads the sync endpoints");
        problem(api.get(TOKENS, secret), 403, ProblemType.FORBIDDEN);
        problem(api.postJson("api/companies", secret, "{\"name\":\"x\"}"), 403, ProblemType.FORBIDDEN);

        // a change of grants alone is checked with the stored attributes, one of attributes alone with the stored
        // grants
        HttpResponse<String> grantsOnly = patch(
                TOKENS + "/" + token.id(),
                "{\"grants\":[{\"table\":\"users\",\"rowFilter\":\"company_id in (:company)\"}]}");
        assertEquals(200, grantsOnly.statusCode(), grantsOnly.body());
        Problem orphaned = problem(
                patch(TOKENS + "/" + token.id(), "{\"attributes\":{\"region\":\"EU\"}}"), 400, ProblemType.BAD_REQUEST);
        assertTrue(orphaned.detail().contains(":company"), orphaned.detail());

        HttpResponse<String> patched = patch(
                TOKENS + "/" + token.id(),
                "{\"name\":\"" + name + "-b\",\"expires\":null,\"attributes\":{\"company\":[\"7\",\"8\"]},"
                        + "\"grants\":[{\"table\":\"users\",\"columns\":[\"id\",\"email\"]}]}");
        assertEquals(200, patched.statusCode(), patched.body());
        TokenInfo updated = JSON.fromJson(patched.body(), TokenInfo.class);
        assertEquals(name + "-b", updated.name());
        assertNull(updated.expires());
        assertEquals(List.of(new TokenInfo.Grant("users", List.of("id", "email"), null)), updated.grants());
        assertEquals(Map.of("company", List.of("7", "8")), updated.attributes());

        HttpResponse<String> revoked = api.postJson(TOKENS + "/" + token.id() + "/revoke", ADMIN_TOKEN, "");
        long revokedAt = System.nanoTime();
        assertEquals(200, revoked.statusCode(), revoked.body());
        assertNotNull(JSON.fromJson(revoked.body(), TokenInfo.class).revoked());
        HttpResponse<String> after = awaitStatus(VERSION, secret, 401, 3_000);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt);
        assertTrue(tookMs <= 1_500, "refused within a second of the revocation, took " + tookMs + " ms");
        problem(after, 401, ProblemType.UNAUTHORIZED);
        problem(api.postJson(TOKENS + "/" + token.id() + "/revoke", ADMIN_TOKEN, ""), 409, ProblemType.CONFLICT);
        problem(patch(TOKENS + "/" + token.id(), "{\"name\":\"again\"}"), 409, ProblemType.CONFLICT);

        HttpResponse<String> audit = api.get(AUDIT + "?token=" + token.id(), ADMIN_TOKEN);
        assertEquals(200, audit.statusCode(), audit.body());
        List<AuditEntry> entries = JSON.fromJson(audit.body(), AUDIT_LIST);
        assertEquals(
                List.of("token.revoke", "token.update", "token.update", "token.get", "token.create"),
                entries.stream().map(AuditEntry::what).toList());
        for (AuditEntry e : entries) {
            assertEquals("bootstrap admin token", e.who());
            assertEquals(token.id(), e.tokenId());
            assertNotNull(e.at());
        }
        assertTrue(
                entries.get(4).detail().contains("company_id = :company"),
                entries.get(4).detail());
        List<AuditEntry> newest =
                JSON.fromJson(api.get(AUDIT + "?limit=2", ADMIN_TOKEN).body(), AUDIT_LIST);
        assertEquals(2, newest.size());
        assertEquals("audit.list", newest.get(0).what(), "reading the audit is audited too");
        assertFalse(audit.body().contains(secret.substring(3)));
    }

    @Test
    void onlyAdminTokensReachTheAdminApi() throws Exception {
        problem(api.get(TOKENS, null), 401, ProblemType.UNAUTHORIZED);
        problem(api.get(TOKENS, SYNC_TOKEN), 403, ProblemType.FORBIDDEN);
        problem(api.get(TOKENS, WRITE_TOKEN), 403, ProblemType.FORBIDDEN);
        problem(api.get(AUDIT, WRITE_TOKEN), 403, ProblemType.FORBIDDEN);
        CreatedToken admin = create("{\"name\":\"admin-" + System.nanoTime() + "\",\"role\":\"admin\"}");
        assertEquals(200, api.get(TOKENS, admin.secret()).statusCode(), "a stored admin token administers");
        problem(api.get(VERSION, admin.secret()), 403, ProblemType.FORBIDDEN);
        HttpResponse<String> r = api.postJson(
                TOKENS, admin.secret(), "{\"name\":\"by-admin-" + System.nanoTime() + "\",\"role\":\"writer\"}");
        assertEquals(201, r.statusCode(), r.body());
        CreatedToken replica = JSON.fromJson(r.body(), CreatedToken.class);
        List<AuditEntry> entries = JSON.fromJson(
                api.get(AUDIT + "?token=" + replica.token().id(), ADMIN_TOKEN).body(), AUDIT_LIST);
        assertEquals(
                "token " + admin.token().id() + " (" + admin.token().name() + ")",
                entries.get(0).who());
        assertEquals(200, api.get(VERSION, replica.secret()).statusCode());
    }

    @Test
    void aStoredMetricsTokenReadsTheMetricsAndNothingElseAndIsRevocable() throws Exception {
        CreatedToken metrics = create("{\"name\":\"prometheus-" + System.nanoTime() + "\",\"role\":\"metrics\"}");
        assertEquals("metrics", metrics.token().role());
        HttpResponse<String> scrape = api.get("api/metrics", metrics.secret());
        assertEquals(200, scrape.statusCode(), scrape.body());
        assertTrue(scrape.body().contains("outpost_http_requests_total"), scrape.body());
        problem(api.get(VERSION, metrics.secret()), 403, ProblemType.FORBIDDEN);
        problem(api.get(TOKENS, metrics.secret()), 403, ProblemType.FORBIDDEN);
        problem(
                patch(TOKENS + "/" + metrics.token().id(), "{\"grants\":[{\"table\":\"users\"}]}"),
                400,
                ProblemType.BAD_REQUEST);
        assertEquals(
                200,
                api.postJson(TOKENS + "/" + metrics.token().id() + "/revoke", ADMIN_TOKEN, "")
                        .statusCode());
        problem(api.get("api/metrics", metrics.secret()), 401, ProblemType.UNAUTHORIZED);
    }

    @Test
    void badInputIsA4xxProblemNeverA500() throws Exception {
        ServerLog log = ServerLog.of();
        long mark = log.mark();
        String unique = "bad-" + System.nanoTime();
        for (String body : List.of(
                "not json",
                "[]",
                "{\"name\":\"" + unique + "\"}",
                "{\"role\":\"replica\"}",
                "{\"name\":\"" + unique + "\",\"role\":\"root\"}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"color\":\"red\"}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"expires\":\"tomorrow\"}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"expires\":\"2001-01-01T00:00:00Z\"}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"grants\":{\"table\":\"users\"}}",
                "{\"name\":\"" + unique
                        + "\",\"role\":\"replica\",\"grants\":[{\"table\":\"users\"},{\"table\":\"users\"}]}",
                "{\"name\":\"" + unique
                        + "\",\"role\":\"replica\",\"grants\":[{\"table\":\"users\",\"columns\":[\"nope\"]}]}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"grants\":[{\"table\":\"users\",\"columns\":[]}]}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"grants\":[{\"table\":\"users\",\"rowFilter\":7}]}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"attributes\":{\"a b\":\"1\"}}",
                "{\"name\":\"" + unique + "\",\"role\":\"replica\",\"attributes\":{\"a\":[1]}}",
                "{\"name\":\"" + unique + "\",\"role\":\"admin\",\"grants\":[{\"table\":\"users\"}]}",
                "{\"name\":\"" + unique + "\",\"role\":\"metrics\",\"attributes\":{\"a\":[\"1\"]}}")) {
            problem(api.postJson(TOKENS, ADMIN_TOKEN, body), 400, ProblemType.BAD_REQUEST);
        }
        CreatedToken token = create("{\"name\":\"" + unique + "\",\"role\":\"replica\"}");
        assertEquals(List.of(), token.token().grants(), "default-deny: no grants until given");
        problem(
                api.postJson(TOKENS, ADMIN_TOKEN, "{\"name\":\"" + unique + "\",\"role\":\"replica\"}"),
                409,
                ProblemType.CONFLICT);
        problem(patch(TOKENS + "/" + token.token().id(), "{\"role\":\"admin\"}"), 400, ProblemType.BAD_REQUEST);
        problem(
                patch(TOKENS + "/" + token.token().id(), "{\"grants\":[{\"table\":\"nope\"}]}"),
                400,
                ProblemType.BAD_REQUEST);
        problem(api.get(TOKENS + "/999999999", ADMIN_TOKEN), 404, ProblemType.NOT_FOUND);
        problem(api.get(TOKENS + "/abc", ADMIN_TOKEN), 404, ProblemType.NOT_FOUND);
        problem(patch(TOKENS + "/999999999", "{\"name\":\"x\"}"), 404, ProblemType.NOT_FOUND);
        problem(api.postJson(TOKENS + "/999999999/revoke", ADMIN_TOKEN, ""), 404, ProblemType.NOT_FOUND);
        problem(api.get(AUDIT + "?limit=0", ADMIN_TOKEN), 400, ProblemType.BAD_REQUEST);
        problem(api.get(AUDIT + "?token=x", ADMIN_TOKEN), 400, ProblemType.BAD_REQUEST);
        log.assertNoErrorsSince(mark);
    }

    @Test
    void aLongPollInFlightEndsWith401SoonAfterItsTokenIsRevoked() throws Exception {
        CreatedToken token = create("{\"name\":\"poll-" + System.nanoTime() + "\",\"role\":\"replica\"}");
        String now = awaitFeed(token.secret());
        Timestamp before = databaseNow();
        CompletableFuture<HttpResponse<String>> poll =
                CompletableFuture.supplyAsync(() -> api.get(CHANGES + "?after=" + now + "&wait=30", token.secret()));
        // the poll waits on the server once the server checks the tokens of waiting polls (only they are)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!waitingPollChecked(before)) {
            assertTrue(System.nanoTime() < deadline, "the server never checked the waiting poll's token");
            Thread.sleep(50);
        }
        assertFalse(poll.isDone(), "the poll waits for a change");
        assertEquals(
                200,
                api.postJson(TOKENS + "/" + token.token().id() + "/revoke", ADMIN_TOKEN, "")
                        .statusCode());
        long revokedAt = System.nanoTime();
        HttpResponse<String> answer = poll.get(10, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - revokedAt);
        problem(answer, 401, ProblemType.UNAUTHORIZED);
        assertTrue(tookMs <= 1_500, "the poll ended within a second of the revocation, took " + tookMs + " ms");
    }

    @Test
    void failedAuthenticationsFromOneAddressAreThrottledWith429() throws Exception {
        // from an address of its own (127.0.0.2), so that no other test's requests are throttled; a loaded
        // machine may take more than a second for ten requests, and each second forgives a failure
        int refused = 0;
        RawAnswer throttled = rawGet("127.0.0.2", VERSION, "wrong-" + refused);
        while (throttled.status() == 401 && refused < 40) {
            refused++;
            throttled = rawGet("127.0.0.2", VERSION, "wrong-" + refused);
        }
        assertEquals(429, throttled.status(), throttled.head());
        assertTrue(refused >= 10, "ten failures are answered 401 before the throttle, were " + refused);
        assertTrue(throttled.head().toLowerCase().contains("\nretry-after: 1"), throttled.head());
        assertTrue(throttled.head().toLowerCase().contains(MediaTypes.PROBLEM_JSON), throttled.head());
        assertEquals(
                ProblemType.TOO_MANY_REQUESTS.uri(),
                JSON.fromJson(throttled.body(), Problem.class).type());
        // even a valid token waits; on a loaded machine a second may pass between two requests and forgive
        // a failure, which the next wrong token takes again
        int valid = rawGet("127.0.0.2", VERSION, SYNC_TOKEN).status();
        for (int tries = 0; valid == 200 && tries < 5; tries++) {
            rawGet("127.0.0.2", VERSION, "wrong-once-more-" + tries);
            valid = rawGet("127.0.0.2", VERSION, SYNC_TOKEN).status();
        }
        assertEquals(429, valid, "even a valid token waits");
        assertEquals(200, rawGet("127.0.0.1", VERSION, SYNC_TOKEN).status(), "other addresses are not throttled");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status;
        while ((status = rawGet("127.0.0.2", VERSION, SYNC_TOKEN).status()) == 429 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(200, status, "a failure is forgiven each second");
    }

    private static Timestamp databaseNow() throws SQLException {
        try (Connection c = EmbeddedPostgresSession.connect();
                ResultSet rs = c.createStatement().executeQuery("select clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** Whether the server ran its check of waiting polls' tokens ({@code RevocationWatch}) since {@code since}. */
    private static boolean waitingPollChecked(Timestamp since) {
        try (Connection c = EmbeddedPostgresSession.connect();
                PreparedStatement st = c.prepareStatement("select count(*) from pg_stat_activity"
                        + " where query like 'select id from outpost_feed.tokens where id = any%'"
                        + " and query_start > ?")) {
            st.setTimestamp(1, since);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private CreatedToken create(String body) {
        HttpResponse<String> r = api.postJson(TOKENS, ADMIN_TOKEN, body);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.fromJson(r.body(), CreatedToken.class);
    }

    private HttpResponse<String> patch(String path, String json) {
        return api.send(api.request(path, ADMIN_TOKEN)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private HttpResponse<String> awaitStatus(String path, String token, int status, long timeoutMs)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            HttpResponse<String> r = api.get(path, token);
            if (r.statusCode() == status || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(20);
        }
    }

    private String awaitFeed(String token) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = api.get(CHANGES, token);
            if (r.statusCode() == 200) {
                return ((RowLines.End) RowLines.parse(r.body().trim())).next();
            }
            assertTrue(System.nanoTime() < deadline, "the change feed came up: " + r.body());
            Thread.sleep(200);
        }
    }

    private static Problem problem(HttpResponse<String> r, int status, ProblemType type) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(
                r.headers().firstValue("Content-Type").orElse("").startsWith(MediaTypes.PROBLEM_JSON),
                r.headers().toString());
        Problem p = JSON.fromJson(r.body(), Problem.class);
        assertEquals(type.uri(), p.type(), r.body());
        assertEquals(status, p.status());
        return p;
    }

    private record RawAnswer(int status, String head, String body) {}

    /** A GET sent from {@code from} to the server's port on 127.0.0.1, read to its end. */
    private RawAnswer rawGet(String from, String path, String token) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", base.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            String request = "GET " + base.getPath() + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + base.getPort()
                    + "\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, split).replace("\r\n", "\n");
            String body = answer.substring(split + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
            }
            return new RawAnswer(Integer.parseInt(head.split(" ")[1]), head, body);
        }
    }
}
