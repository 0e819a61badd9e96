package dev.outpost.e2e;

import static dev.outpost.e2e.LeakRequests.changeOneCharacter;
import static dev.outpost.e2e.LeakRequests.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.e2e.LeakRequests.Attack;
import dev.outpost.e2e.LeakRequests.Kind;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TokenInfo;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A leak hunt against the WAR on Payara Micro: two stored replica tokens with different scopes over
 * the same tables, and every sync endpoint asked with token A for what is token B's (its cursors,
 * feed positions, entity tags and schema fingerprint), for tables and columns A is not granted, for
 * system catalogs and the server's own schema, and with injection strings in every query parameter,
 * path segment and header. Every value outside A's scope carries a {@value #MARKER} marker, so a leak
 * shows in any body or header; keys, counts and cursors are checked against A's scope computed with
 * SQL. Every answer must be below 500, and every 4xx a problem+json. The attacks are a list of request
 * descriptions; a failure names each request that leaked or failed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LeakHuntIT {
    private static final String SYNC_TOKEN = "e2e-leak-hunt-sync";
    private static final String ADMIN_TOKEN = "e2e-leak-hunt-admin";
    static final Jsonb JSON = JsonbBuilder.create();

    /** Every value token A must not see starts with this. */
    static final String MARKER = "LEAK-";

    /** The columns token A is granted, in table order. */
    static final Map<String, List<String>> A_COLUMNS = Map.of(
            "companies", List.of("id", "name", "created_at"),
            "users", List.of("id", "company_id", "email", "active", "created_at"));

    private OutpostStack stack;
    private ApiCalls api;
    private int port;
    private final Jsonb json = JSON;

    private CreatedToken tokenA;
    private CreatedToken tokenB;
    private List<Long> aCompanies;
    private long feedStart;

    /** A's keys per table before the writes, after them, and both (for changes). */
    private final Map<String, Set<String>> aKeysBefore = new TreeMap<>();

    private final Map<String, Set<String>> aKeysNow = new TreeMap<>();
    private final Map<String, Set<String>> aKeysEver = new TreeMap<>();

    /** A's changes after {@link #feedStart}, as the feed answered them. */
    private List<ChangeLines.Change> aChanges;

    /** What A's version and schema look like, to compare every answer with. */
    private SchemaInfo aSchema;

    private String aVersionEtag;
    private String aSchemaEtag;

    /** Requests sent by {@link #run}, and how many got each status. */
    private int attempts;

    private final Map<Integer, Integer> statuses = new TreeMap<>();

    /** Judges each answer: whether it is within A's scope or a proper refusal. */
    private LeakChecks checks;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("leakhunt", SYNC_TOKEN, "outpost.admin-tokens=" + ADMIN_TOKEN + "\n", c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 5, 6);
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
            DemoData.release2(c);
            exec(
                    c,
                    // A sees companies 1 and 2 (their users), never their users' display names or phones
                    "update companies set name = '" + MARKER + "' || name where id > 2",
                    "update users set email = '" + MARKER + "' || email where company_id > 2",
                    "update users set display_name = '" + MARKER + "dn-' || id, phone = '" + MARKER + "ph-' || id",
                    "update users set avatar = convert_to('" + MARKER + "avatar', 'UTF8') where id % 2 = 0",
                    "update workspaces set name = '" + MARKER + "ws-' || id, description = '" + MARKER + "desc-' || id",
                    "update data_tables set name = '" + MARKER + "dt-' || id",
                    "update data_table_columns set name = '" + MARKER + "col-' || id",
                    "update user_preferences set theme = '" + MARKER + "t-' || id,"
                            + " settings = jsonb_build_object('leak', '" + MARKER + "pref')");
        });
        port = stack.server().baseUri().getPort();
        api = new ApiCalls(stack.server().baseUri());
        try (Connection c = stack.connect()) {
            aCompanies = longs(c, "select id from companies where name in ('Company 1', 'Company 2') order by id");
        }
        assertEquals(2, aCompanies.size());
        String companies = aCompanies.stream().map(id -> "\"" + id + "\"").collect(Collectors.joining(","));
        tokenA = create("{\"name\":\"leak-a\",\"role\":\"replica\",\"grants\":["
                + "{\"table\":\"companies\",\"columns\":[\"id\",\"name\",\"created_at\"],\"rowFilter\":\"id in (:companies)\"},"
                + "{\"table\":\"users\",\"columns\":[\"id\",\"company_id\",\"email\",\"active\",\"created_at\"],"
                + "\"rowFilter\":\"company_id in (:companies)\"}],"
                + "\"attributes\":{\"companies\":[" + companies + "]}}");
        tokenB = create("{\"name\":\"leak-b\",\"role\":\"replica\",\"grants\":["
                + "{\"table\":\"companies\",\"rowFilter\":\"id in (:companies)\"},"
                + "{\"table\":\"users\",\"columns\":[\"id\",\"company_id\",\"email\",\"display_name\",\"phone\"],"
                + "\"rowFilter\":\"company_id = :company\"},"
                + "{\"table\":\"workspaces\"},{\"table\":\"user_preferences\"}],"
                + "\"attributes\":{\"companies\":[\"3\",\"4\"],\"company\":\"3\"}}");
        feedStart = awaitFeed(tokenA.secret());
        try (Connection c = stack.connect()) {
            scopeOfA(c, aKeysBefore);
            writeAfterTheFeedIsUp(c);
            aChanges = awaitChanges(tokenA.secret(), feedStart, "end-marker@ok.example");
            scopeOfA(c, aKeysNow);
        }
        for (String table : A_COLUMNS.keySet()) {
            Set<String> ever = new TreeSet<>(aKeysBefore.get(table));
            ever.addAll(aKeysNow.get(table));
            aKeysEver.put(table, ever);
        }
        HttpResponse<String> version = api.get("api/sync/version", tokenA.secret());
        aVersionEtag = version.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> schema = api.get("api/sync/schema", tokenA.secret());
        aSchemaEtag = schema.headers().firstValue("ETag").orElseThrow();
        aSchema = json.fromJson(schema.body(), SchemaInfo.class);
        checks = new LeakChecks(
                List.of(tokenB.secret(), ADMIN_TOKEN, SYNC_TOKEN),
                aSchema,
                aVersionEtag,
                aSchemaEtag,
                feedStart,
                aKeysBefore,
                aKeysNow,
                aKeysEver,
                () -> aChanges);
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * The writes token A's feed must hide (rows of other companies inserted, updated and deleted, an
     * ungranted table and ungranted columns changed) next to those it must show (a row leaving A's
     * filter as a bare delete, one entering it, an in-scope update and delete), ending with a marker row.
     */
    private void writeAfterTheFeedIsUp(Connection c) throws SQLException {
        long a1 = aCompanies.get(0);
        long a2 = aCompanies.get(1);
        exec(
                c,
                "insert into companies (name, created_at) values ('" + MARKER + "new-company', now())",
                "insert into users (company_id, email, display_name, phone, created_at) values (3, '" + MARKER
                        + "new-user@x.example', '" + MARKER + "dn-new', '" + MARKER + "ph-new', now())",
                "update users set email = '" + MARKER + "updated-' || id where id = (select min(id) from users"
                        + " where company_id = 3)",
                "delete from user_preferences where user_id = (select max(id) from users where company_id = 4)",
                "delete from users where id = (select max(id) from users where company_id = 4)",
                "update workspaces set name = '" + MARKER + "ws-renamed' where company_id = " + a1,
                // in scope, only ungranted columns changed: an upsert without them
                "update users set phone = '" + MARKER + "ph-changed', display_name = '" + MARKER
                        + "dn-changed' where id = (select min(id) from users where company_id = " + a1 + ")",
                // leaves A's scope, taking a marker with it: A gets a bare delete
                "update users set company_id = 3, email = '" + MARKER + "left-' || id where id = (select max(id)"
                        + " from users where company_id = " + a1 + ")",
                // enters A's scope
                "update users set company_id = " + a2 + ", email = 'entered-' || id || '@ok.example' where id ="
                        + " (select min(id) from users where company_id = 5)",
                "delete from user_preferences where user_id = (select min(id) from users where company_id = " + a2
                        + ")",
                "delete from users where id = (select min(id) from users where company_id = " + a2 + ")",
                "update companies set name = '" + MARKER + "renamed-3' where id = 3",
                "update companies set credit_limit = 1.50 where id = " + a1);
        // one transaction ending with a change A may not see: A's last change in it is marked last
        c.setAutoCommit(false);
        exec(
                c,
                "insert into users (company_id, email, created_at) values (" + a1 + ", 'mixed-in@ok.example', now())",
                "insert into users (company_id, email, created_at) values (4, '" + MARKER
                        + "mixed-out@x.example', now())");
        c.commit();
        c.setAutoCommit(true);
        exec(
                c,
                "insert into users (company_id, email, display_name, created_at) values (" + a1
                        + ", 'end-marker@ok.example', '" + MARKER + "dn-end', now())");
    }

    @Test
    @Order(1)
    void theFeedShowsTokenAOnlyItsOwnChanges() throws Exception {
        List<String> seen = aChanges.stream()
                .map(ch -> ch.op() + " " + ch.table() + " " + ch.values()[0] + (ch.last() ? "" : " (not last)"))
                .toList();
        long left, entered, changed, deleted, mixed, end;
        try (Connection c = stack.connect()) {
            changed = longs(c, "select id from users where phone = '" + MARKER + "ph-changed'")
                    .get(0);
            left = longs(c, "select id from users where email like '" + MARKER + "left-%'")
                    .get(0);
            entered = longs(c, "select id from users where email like 'entered-%'")
                    .get(0);
            mixed = longs(c, "select id from users where email = 'mixed-in@ok.example'")
                    .get(0);
            end = longs(c, "select id from users where email = 'end-marker@ok.example'")
                    .get(0);
        }
        deleted = aKeysBefore.get("users").stream()
                .mapToLong(Long::parseLong)
                .filter(id -> !aKeysNow.get("users").contains(Long.toString(id)) && id != left)
                .max()
                .orElseThrow();
        assertEquals(
                List.of(
                        "U users " + changed,
                        "D users " + left,
                        "U users " + entered,
                        "D users " + deleted,
                        "U companies " + aCompanies.get(0),
                        "U users " + mixed,
                        "U users " + end),
                seen);
        List<String> failures = new ArrayList<>();
        checks.checkChanges("the feed after " + feedStart, aChanges, failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @Order(2)
    void everyAttackWithTokenAIsAnsweredWithinItsScopeOrRefusedAsAProblem() throws Exception {
        List<Attack> attacks = LeakAttacks.of(new LeakAttacks.Setup(
                tokenA,
                tokenB,
                feedStart,
                aVersionEtag,
                aSchemaEtag,
                aSchema.fingerprint(),
                awaitChanges(tokenB.secret(), feedStart, MARKER + "renamed-3"),
                api,
                stack));
        List<String> failures = new ArrayList<>();
        for (Attack attack : attacks) {
            run(attack, failures);
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + attacks.size() + " requests leaked or failed:\n"
                        + String.join("\n", failures));
        System.out.println("leak hunt: " + attempts + " requests with token A, answered " + statuses + "; "
                + checks.httpLayerRefusals() + " refused by the HTTP layer without a problem body");
        assertTrue(attempts >= attacks.size() && attacks.size() > 1_000, "attacks tried: " + attempts);
        // the checks are not blind: the same requests with B's token are caught as leaks
        for (Attack control : List.of(
                get("control: B's users", "api/sync/tables/users/rows", tokenB.secret(), Kind.ROWS, "users", 200),
                get("control: B's digest", "api/sync/tables/users/digest", tokenB.secret(), Kind.DIGEST, "users", 200),
                get("control: B's changes", "api/sync/changes?after=" + feedStart, tokenB.secret(), Kind.CHANGES, 200),
                get("control: B's schema", "api/sync/schema", tokenB.secret(), Kind.SCHEMA, 200))) {
            assertTrue(checks.check(control, send(control)) != null, control.label() + " passed the leak checks");
        }
        // an ungranted table, a system catalog and the server's own table are each answered as an unknown one
        Problem unknown = json.fromJson(
                api.get("api/sync/tables/no_such_table/rows", tokenA.secret()).body(), Problem.class);
        for (String hidden : List.of("workspaces", "pg_catalog.pg_authid", "outpost_feed.tokens")) {
            for (String end : List.of("rows", "digest")) {
                HttpResponse<String> r = api.get("api/sync/tables/" + hidden + "/" + end, tokenA.secret());
                assertEquals(404, r.statusCode(), r.body());
                assertEquals(
                        unknown.detail().replace("no_such_table", hidden),
                        json.fromJson(r.body(), Problem.class).detail());
            }
        }
        // nothing A tried changed a token: B unrevoked and as created, A's grants as given
        for (CreatedToken token : List.of(tokenA, tokenB)) {
            TokenInfo now = json.fromJson(
                    api.get("api/admin/tokens/" + token.token().id(), ADMIN_TOKEN)
                            .body(),
                    TokenInfo.class);
            assertEquals(token.token().grants(), now.grants(), token.token().name());
            assertEquals(
                    token.token().attributes(), now.attributes(), token.token().name());
            assertEquals(null, now.revoked(), token.token().name());
        }
        assertEquals(200, api.get("api/sync/version", tokenB.secret()).statusCode());
    }

    @Test
    @Order(3)
    void wrongAndMissingTokensAreRefusedAsProblemsAndThrottled() throws Exception {
        List<String> failures = new ArrayList<>();
        String a = tokenA.secret();
        String b = tokenB.secret();
        // not counted as failed authentications: no Authorization header at all
        for (String path : List.of(
                "api/sync/version",
                "api/sync/schema",
                "api/sync/feed",
                "api/sync/changes?after=0",
                "api/sync/tables/users/rows",
                "api/sync/tables/users/digest",
                "api/sync/tables/workspaces/rows",
                "api/sync/tables/pg_catalog.pg_authid/rows",
                "api/admin/tokens",
                "api/users")) {
            run(new Attack("no token " + path, "GET", path, List.of(), Kind.REFUSED, 401), failures);
        }
        List<String> wrong = List.of(
                "Bearer " + changeOneCharacter(a),
                "Bearer " + changeOneCharacter(b),
                "Bearer " + a + "x",
                "Bearer " + a.substring(0, a.length() - 1),
                "Bearer " + a + " ' or ''='",
                "Bearer ' or ''='",
                "Bearer op_" + "A".repeat(43),
                "Bearer " + "x".repeat(4_000),
                "Basic " + Base64.getEncoder().encodeToString(("leak-a:" + a).getBytes(StandardCharsets.UTF_8)),
                "Bearer",
                "Bearer " + b + "%27",
                "Bearer " + ADMIN_TOKEN + "1",
                "Bearer " + SYNC_TOKEN.toUpperCase(Locale.ROOT),
                "Bearer " + changeOneCharacter(a));
        for (int i = 0; i < wrong.size(); i++) {
            String header = wrong.get(i);
            // the first BURST failures of this address are 401; later ones may be throttled: 429
            int expected = i < 10 ? 401 : 0;
            Attack attack = new Attack(
                    "wrong token #" + i + " " + abbreviate(header),
                    "GET",
                    i % 2 == 0 ? "api/sync/tables/users/rows" : "api/sync/changes?after=0",
                    List.<String[]>of(new String[] {"Authorization", header}),
                    Kind.REFUSED,
                    expected);
            RawHttp.Answer answer = run(attack, failures);
            if (i >= 10 && answer.status() != 401 && answer.status() != 429) {
                failures.add(attack.label() + ": " + answer.status() + " is neither 401 nor 429");
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private RawHttp.Answer run(Attack attack, List<String> failures) {
        attempts++;
        RawHttp.Answer answer;
        try {
            answer = send(attack);
        } catch (RuntimeException e) {
            failures.add(attack.label() + ": no answer: " + e);
            return new RawHttp.Answer(0, Map.of(), "", "");
        }
        statuses.merge(answer.status(), 1, Integer::sum);
        String problem = checks.check(attack, answer);
        if (problem != null) {
            failures.add(attack.label() + " [" + attack.method() + " " + abbreviate(attack.target()) + "] -> "
                    + answer.status() + ": " + problem + " | head: " + abbreviate(answer.head()) + " | body: "
                    + abbreviate(answer.body()));
        }
        return answer;
    }

    // ---- HTTP, raw: every byte of the target and the headers is the test's

    /** Sends the request as written, on a fresh connection, and reads the answer to its end. */
    private RawHttp.Answer send(Attack attack) {
        return RawHttp.exchange(port, attack.method(), "/outpost/" + attack.target(), attack.headers());
    }

    // ---- set-up helpers

    private CreatedToken create(String request) {
        HttpResponse<String> r = api.postJson("api/admin/tokens", ADMIN_TOKEN, request);
        assertEquals(201, r.statusCode(), r.body());
        return json.fromJson(r.body(), CreatedToken.class);
    }

    /** A's rows by SQL: the companies of its attribute and their users. */
    private void scopeOfA(Connection c, Map<String, Set<String>> into) throws SQLException {
        String ids = aCompanies.stream().map(String::valueOf).collect(Collectors.joining(","));
        into.put("companies", new TreeSet<>(strings(c, "select id::text from companies where id in (" + ids + ")")));
        into.put("users", new TreeSet<>(strings(c, "select id::text from users where company_id in (" + ids + ")")));
    }

    /** The newest position, once the feed runs. */
    private long awaitFeed(String token) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            HttpResponse<String> r = api.get("api/sync/changes", token);
            if (r.statusCode() == 200) {
                return Long.parseLong(end(r.body()).next());
            }
            assertTrue(System.nanoTime() < deadline, "the change feed came up: " + r.body());
            Thread.sleep(200);
        }
    }

    /** The token's changes after a position, read until one carries {@code until}. */
    private List<ChangeLines.Change> awaitChanges(String token, long after, String until) {
        List<ChangeLines.Change> changes = new ArrayList<>();
        long position = after;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (changes.stream().noneMatch(c -> Arrays.asList(c.values()).contains(until))) {
            assertTrue(System.nanoTime() < deadline, "changes seen: " + changes);
            HttpResponse<String> r = api.get("api/sync/changes?wait=5&after=" + position, token);
            assertEquals(200, r.statusCode(), r.body());
            for (String line : r.body().split("\n")) {
                RowLines.Line parsed = RowLines.parse(line);
                if (parsed instanceof RowLines.Row row) {
                    changes.add(ChangeLines.Change.of(row.values()));
                } else {
                    position = Long.parseLong(((RowLines.End) parsed).next());
                }
            }
        }
        return changes;
    }

    static RowLines.End end(String body) {
        String[] lines = body.split("\n");
        return (RowLines.End) RowLines.parse(lines[lines.length - 1]);
    }

    static String abbreviate(String s) {
        String printable = s.replace("\u0000", "\\0").replace("\r", "\\r").replace("\n", "\\n");
        return printable.length() <= 120 ? printable : printable.substring(0, 120) + "...(" + s.length() + " chars)";
    }

    private static List<Long> longs(Connection c, String sql) throws SQLException {
        return strings(c, sql).stream().map(Long::parseLong).toList();
    }

    static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
