package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.bench.Nginx;
import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The change history cached by nginx as the shipped {@code server-config/nginx/outpost.conf} does it:
 * the server marks a complete range of the history immutable, nginx asks the server whether each
 * request's token may read the feed and under which key ({@code auth_request}), and serves the cached
 * answer only to tokens of the same scope. Replicas that start from different positions ask for the
 * same ranges after a few short answers; a token of another scope, a revoked, a wrong or a
 * missing token never gets a cached answer; the newest changes are never cached; and a replica served
 * from the cache still shows its position in the fleet view (the authorization carries it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryCacheIT {
    private static final String SYNC_TOKEN = "e2e-history-sync";
    private static final String ADMIN_TOKEN = "e2e-history-admin";
    private static final String TOKENS = SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/" + AdminPaths.TOKENS;
    private static final String ADMIN = SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/" + AdminPaths.REPLICAS;
    private static final String CHANGES = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/" + SyncPaths.CHANGES;
    private static final String BOTH_TABLES =
            """
            "grants": [{"table": "companies"}, {"table": "users"}]}""";
    private static final Jsonb JSON = JsonbBuilder.create();
    /** Transactions written: each updates every user (240 rows), then one company: 2 ranges and more. */
    private static final int ROUNDS = 110;

    private OutpostStack stack;
    private Nginx nginx;
    private ApiCalls api;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private long start;
    private long latest;

    /** One answer of a walk through the feed: its query, nginx's cache status, Cache-Control, body. */
    private record Answer(String query, String cacheStatus, String cacheControl, String body) {
        boolean immutable() {
            return cacheControl.contains("immutable");
        }
    }

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("history", SYNC_TOKEN, "outpost.admin-tokens=" + ADMIN_TOKEN + "\n", c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 6, 40);
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
        });
        api = new ApiCalls(stack.server().baseUri());
        start = Long.parseLong(api.awaitFeedPosition(CHANGES, SYNC_TOKEN));
        try (Connection c = stack.connect();
                Statement st = c.createStatement()) {
            for (int i = 0; i < ROUNDS; i++) {
                st.executeUpdate("update users set display_name = 'round " + i + " of ' || id");
                st.executeUpdate("update companies set name = 'company round " + i + "' where id = " + (1 + i % 6));
            }
        }
        long written = start + ROUNDS * 241L;
        Conditions.await("capture stores every change", Duration.ofSeconds(60), () -> newest() >= written);
        latest = newest();
        Path config = Path.of(System.getProperty("outpost.nginxConf", "../server-config/nginx/outpost.conf"));
        nginx = Nginx.start(
                Nginx.locate(stack.runDir()),
                config,
                List.of(stack.server().baseUri().getPort()),
                stack.work());
    }

    @AfterAll
    void stop() throws Exception {
        if (nginx != null) {
            nginx.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theServerMarksCompleteRangesImmutableAndTheNewestChangesNotCacheable() {
        HttpResponse<String> history = api.get(CHANGES + "?after=" + start, SYNC_TOKEN);
        assertEquals(200, history.statusCode(), history.body());
        assertEquals(
                "public, max-age=31536000, immutable",
                history.headers().firstValue("Cache-Control").orElse(""));
        assertTrue(
                history.headers().firstValue("ETag").orElse("").startsWith("W/\""),
                history.headers().toString());
        long next = Long.parseLong(end(history.body()).next());
        assertTrue(next > start && next < latest, "the answer ends before the newest changes: " + next);

        HttpResponse<String> newest = api.get(CHANGES + "?after=" + latest, SYNC_TOKEN);
        assertEquals(200, newest.statusCode(), newest.body());
        assertEquals("no-store", newest.headers().firstValue("Cache-Control").orElse(""));
        assertEquals("no", newest.headers().firstValue("X-Accel-Buffering").orElse(""));
    }

    @Test
    void tokensOfOneScopeShareTheCachedHistoryAndNoOtherTokenGetsIt() throws Exception {
        String first = create("{\"name\": \"history-a\", \"role\": \"replica\", " + BOTH_TABLES)
                .secret();
        String sameScope = create("{\"name\": \"history-b\", \"role\": \"replica\", " + BOTH_TABLES)
                .secret();
        CreatedToken revoked = create("{\"name\": \"history-r\", \"role\": \"replica\", " + BOTH_TABLES);
        String otherScope = create(
                        "{\"name\": \"history-c\", \"role\": \"replica\", \"grants\": [{\"table\": \"companies\"}]}")
                .secret();

        // a replica from the start fills the cache; one that stopped two transactions later climbs in a few
        // short answers to the same ranges, and gets every complete one from then on from the cache
        List<Answer> filling = walk(first, start);
        assertTrue(filling.size() >= 3, "the history spans several ranges: " + filling);
        assertTrue(
                filling.get(0).immutable() && !filling.get(filling.size() - 1).immutable(), filling.toString());
        long later = start;
        for (int transactions = 0; transactions < 2; transactions++) {
            later = Long.parseLong(
                    end(api.get(CHANGES + "?limit=1&after=" + later, SYNC_TOKEN).body())
                            .next());
        }
        assertTrue(later > start);
        List<Answer> sharing = walk(sameScope, later);
        List<String> filled = filling.stream().map(Answer::query).toList();
        int met = 0;
        while (met < sharing.size() && !filled.contains(sharing.get(met).query())) {
            met++;
        }
        assertTrue(met >= 1 && met <= 3, "met the first replica's requests after " + met + " answers: " + sharing);
        assertEquals(
                filled.subList(filled.indexOf(sharing.get(met).query()), filled.size()),
                sharing.subList(met, sharing.size()).stream().map(Answer::query).toList(),
                "the same requests from then on");
        for (int i = met; i < sharing.size(); i++) {
            Answer shared = sharing.get(i);
            assertEquals(shared.immutable() ? "HIT" : "MISS", shared.cacheStatus(), shared.query());
            if (shared.immutable()) {
                assertEquals(filling.get(filled.indexOf(shared.query())).body(), shared.body(), shared.query());
            }
        }
        assertTrue(
                sharing.get(0).body().split("\n").length < 5_000,
                "a short first answer, not a whole range: " + sharing.get(0).query());

        // an answer from the cache still tells the fleet view where the replica stands
        String replica = java.util.UUID.randomUUID().toString();
        String shared = filling.get(1).query();
        HttpResponse<String> fromCache = get(sameScope, shared, replica);
        assertEquals("HIT", fromCache.headers().firstValue("X-Outpost-Cache").orElse(""));
        long sharedAfter = Long.parseLong(shared.substring("?after=".length()));
        Conditions.await("the fleet view shows the replica's position", Duration.ofSeconds(30), () -> {
            HttpResponse<String> fleet = api.get(ADMIN + "/" + replica, ADMIN_TOKEN);
            return fleet.statusCode() == 200 && fleet.body().contains("\"position\":" + sharedAfter);
        });

        // another scope: the same URIs are its own entries, with only what it may see
        List<Answer> other = walk(otherScope, start);
        assertEquals(filled, other.stream().map(Answer::query).toList());
        for (Answer answer : other) {
            assertEquals("MISS", answer.cacheStatus(), answer.query());
            assertFalse(answer.body().contains("\"users\""), "companies only: " + answer.query());
        }
        assertTrue(other.get(1).body().contains("\"companies\""), other.get(1).body());
        for (Answer again : walk(otherScope, start)) {
            assertEquals(again.immutable() ? "HIT" : "MISS", again.cacheStatus(), again.query());
        }

        // revoked, wrong and missing tokens: refused, never a cached answer
        String cached = filling.get(0).query();
        assertEquals(
                "HIT",
                get(revoked.secret(), cached)
                        .headers()
                        .firstValue("X-Outpost-Cache")
                        .orElse(""));
        HttpResponse<String> revoke =
                api.postJson(TOKENS + "/" + revoked.token().id() + "/revoke", ADMIN_TOKEN, "");
        assertEquals(200, revoke.statusCode(), revoke.body());
        for (String token : new String[] {revoked.secret(), first + "x", "not-a-token", null}) {
            HttpResponse<String> refused = get(token, cached);
            assertEquals(401, refused.statusCode(), token + ": " + refused.body());
            assertFalse(refused.body().contains("\"users\""), refused.body());
            assertFalse(
                    "HIT".equals(refused.headers().firstValue("X-Outpost-Cache").orElse("")));
        }
        // the sync token has every table: a scope of its own, whose first read is not a hit
        assertEquals(
                "MISS",
                get(SYNC_TOKEN, cached).headers().firstValue("X-Outpost-Cache").orElse(""));
    }

    /** Follows the feed through nginx from {@code after} to the newest position, as a replica catching up. */
    private List<Answer> walk(String token, long after) throws Exception {
        List<Answer> answers = new ArrayList<>();
        long position = after;
        while (position < latest) {
            String query = "?after=" + position;
            HttpResponse<String> r = get(token, query);
            assertEquals(200, r.statusCode(), query + ": " + r.body());
            answers.add(new Answer(
                    query,
                    r.headers().firstValue("X-Outpost-Cache").orElse(""),
                    r.headers().firstValue("Cache-Control").orElse(""),
                    r.body()));
            long next = Long.parseLong(end(r.body()).next());
            assertTrue(next > position, query + " moved to " + next);
            position = next;
        }
        return answers;
    }

    private HttpResponse<String> get(String token, String query) throws Exception {
        return get(token, query, null);
    }

    private HttpResponse<String> get(String token, String query, String replica) throws Exception {
        URI uri = URI.create(nginx.proxied(stack.server().baseUri().resolve(CHANGES)) + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (replica != null) {
            request.header(SyncPaths.REPLICA_HEADER, replica);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private long newest() {
        HttpResponse<String> r = api.get(CHANGES, SYNC_TOKEN);
        return r.statusCode() == 200 ? Long.parseLong(end(r.body()).next()) : -1;
    }

    private static RowLines.End end(String body) {
        String[] lines = body.trim().split("\n");
        return (RowLines.End) RowLines.parse(lines[lines.length - 1]);
    }

    private CreatedToken create(String json) {
        HttpResponse<String> r = api.postJson(TOKENS, ADMIN_TOKEN, json);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.fromJson(r.body(), CreatedToken.class);
    }
}
