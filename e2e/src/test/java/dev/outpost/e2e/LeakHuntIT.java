package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.FeedStatus;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.TokenInfo;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    private static final Jsonb JSON = JsonbBuilder.create();

    /** Every value token A must not see starts with this. */
    private static final String MARKER = "LEAK-";

    /** The columns token A is granted, in table order. */
    private static final Map<String, List<String>> A_COLUMNS = Map.of(
            "companies", List.of("id", "name", "created_at"),
            "users", List.of("id", "company_id", "email", "active", "created_at"));

    /** What goes into every query parameter, path segment and header. */
    private static final List<String> INJECTIONS = List.of(
            "1=1) OR (1=1",
            "' or ''='",
            "1' or '1'='1",
            "1 or 1=1",
            ";select * from pg_catalog.pg_authid",
            "1;select 1",
            "1); drop table users; --",
            "%27",
            "%2527",
            "\u0000",
            "a\u0000b",
            "../",
            "../../admin/tokens",
            "..%2F..%2Fadmin",
            "x".repeat(4_000),
            "ユーザー",
            "\uD83D\uDE80",
            "\u202Eusers",
            "-1",
            "0",
            "9223372036854775807",
            "99999999999999999999",
            "",
            " ",
            "null",
            "NaN",
            "1e3",
            "0x10",
            "*",
            "%",
            "_",
            "\\",
            "\"",
            "users\"--",
            "$1",
            ":companies",
            "true",
            "{\"table\":\"workspaces\"}",
            "\r\nX-Injected: 1");

    /** Table names A is not granted: synced, system catalogs, the server's own (more are read from PostgreSQL). */
    private static final List<String> FOREIGN_TABLES = List.of(
            "workspaces",
            "user_preferences",
            "data_tables",
            "data_table_columns",
            "no_such_table",
            "databasechangelog",
            "databasechangeloglock",
            "public.users",
            "public.companies",
            "public.workspaces",
            "public.databasechangelog",
            "\"users\"",
            "USERS",
            "Users",
            "users ",
            " users",
            "users.",
            ".users",
            "pg_catalog.pg_authid",
            "pg_authid",
            "pg_catalog.pg_shadow",
            "pg_catalog.pg_roles",
            "pg_catalog.pg_user",
            "pg_catalog.pg_class",
            "pg_catalog.pg_stat_activity",
            "pg_catalog.pg_settings",
            "pg_catalog.pg_replication_slots",
            "information_schema.tables",
            "information_schema.columns",
            "information_schema.role_table_grants",
            "outpost_feed",
            "outpost_feed.tokens",
            "outpost_feed.token_grants",
            "outpost_feed.token_attributes",
            "outpost_feed.audit",
            "outpost_feed.change_log");

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

    /** Answers of the HTTP layer to requests HTTP does not allow (no problem body: see {@link #malformedHttp}). */
    private int httpLayerRefusals;

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
        checkChanges("the feed after " + feedStart, aChanges, failures);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    @Order(2)
    void everyAttackWithTokenAIsAnsweredWithinItsScopeOrRefusedAsAProblem() throws Exception {
        List<Attack> attacks = attacks();
        List<String> failures = new ArrayList<>();
        for (Attack attack : attacks) {
            run(attack, failures);
        }
        assertTrue(
                failures.isEmpty(),
                failures.size() + " of " + attacks.size() + " requests leaked or failed:\n"
                        + String.join("\n", failures));
        System.out.println("leak hunt: " + attempts + " requests with token A, answered " + statuses + "; "
                + httpLayerRefusals + " refused by the HTTP layer without a problem body");
        assertTrue(attempts >= attacks.size() && attacks.size() > 1_000, "attacks tried: " + attempts);
        // the checks are not blind: the same requests with B's token are caught as leaks
        for (Attack control : List.of(
                get("control: B's users", "api/sync/tables/users/rows", tokenB.secret(), Kind.ROWS, "users", 200),
                get("control: B's digest", "api/sync/tables/users/digest", tokenB.secret(), Kind.DIGEST, "users", 200),
                get("control: B's changes", "api/sync/changes?after=" + feedStart, tokenB.secret(), Kind.CHANGES, 200),
                get("control: B's schema", "api/sync/schema", tokenB.secret(), Kind.SCHEMA, 200))) {
            assertTrue(check(control, send(control)) != null, control.label() + " passed the leak checks");
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

    // ---- the attacks

    /** What a request is, for checking its answer. */
    private enum Kind {
        VERSION,
        SCHEMA,
        FEED,
        ROWS,
        DIGEST,
        CHANGES,
        /** Must be refused (or, for a few, answered without data): anything else A may not do. */
        REFUSED
    }

    /**
     * One request: a raw request target below {@code /outpost/} (already percent-encoded where meant),
     * its headers (A's token is one of them unless the attack is about tokens), what it asks for (for
     * rows and digests: the granted table it reaches, if any), and the status it must get (0: any below
     * 500).
     */
    private record Attack(
            String label, String method, String target, List<String[]> headers, Kind kind, String table, int status) {
        Attack(String label, String method, String target, List<String[]> headers, Kind kind, int status) {
            this(label, method, target, headers, kind, null, status);
        }
    }

    private List<Attack> attacks() throws Exception {
        List<Attack> list = new ArrayList<>();
        String a = tokenA.secret();
        List<String> injections = new ArrayList<>(INJECTIONS);

        // ungranted, system and server tables, and injections, as the table of rows and digest
        List<String> tables = new ArrayList<>(FOREIGN_TABLES);
        try (Connection c = stack.connect()) {
            tables.addAll(strings(
                    c,
                    "select table_schema || '.' || table_name from information_schema.tables"
                            + " where table_schema = 'outpost_feed' order by 1"));
        }
        for (String granted : A_COLUMNS.keySet()) {
            for (String suffix :
                    List.of("' or ''='", ";select 1", "%00", "\u0000", "/../workspaces", "%2F..%2Fworkspaces", "'--")) {
                tables.add(granted + suffix);
            }
        }
        tables.addAll(injections);
        for (String table : new LinkedHashSet<>(tables)) {
            String segment = encode(table);
            // the unknown-table problem, as for any name that is not A's; a name with a separator or an
            // escape may be refused by the container before (any 4xx)
            boolean plain = !table.isBlank()
                    && !table.contains("..")
                    && table.chars().noneMatch(ch -> "/%\\\u0000".indexOf(ch) >= 0);
            int status = plain ? 404 : 0;
            for (String end : List.of("rows", "rows?limit=1", "digest")) {
                list.add(get(
                        "table " + abbreviate(table) + " " + end,
                        "api/sync/tables/" + segment + "/" + end,
                        a,
                        end.startsWith("rows") ? Kind.ROWS : Kind.DIGEST,
                        status));
            }
        }
        // dot segments, parameters and encoded separators in the path; where a path may still reach one of
        // A's tables (the container normalizes it), the answer is checked as that table's
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put("api/sync/tables/users/rows;table=workspaces", "users");
        paths.put("api/sync/tables/users;jsessionid=x/rows", "users");
        paths.put("api/sync/tables/users/digest/../rows", "users");
        paths.put("api/sync/tables/./users/rows", "users");
        paths.put("api/sync/tables//users/rows", "users");
        for (String path : List.of(
                "api/sync/tables/users/../../../admin/tokens",
                "api/sync/tables/users/..%2F..%2F..%2Fadmin%2Ftokens",
                "api/sync/tables/%2e%2e/workspaces/rows",
                "api/sync/tables/users%2F..%2Fworkspaces/rows",
                "api/sync/tables/users/rows/../../workspaces/rows",
                "api/sync/tables/./workspaces/rows",
                "api/sync/tables//workspaces/rows",
                "api/sync/tables/workspaces;/rows",
                "api/sync/tables/users/rows/extra",
                "api/sync/tables/users",
                "api/sync/tables",
                "api/sync/tables/",
                "api/sync/",
                "api/sync",
                "api/sync/workspaces",
                "api/./sync/tables/workspaces/rows",
                "api/sync/tables/pg_catalog.pg_authid/rows?after=",
                "api/sync/../admin/audit",
                "api/admin/../sync/tables/workspaces/rows",
                "api/application.wadl",
                "api/application.wadl?detail=true",
                "api/sync/application.wadl",
                "problem",
                "problem?javax.servlet.error.status_code=200",
                "WEB-INF/web.xml",
                "WEB-INF/classes/dev/outpost/server/access/store/AccessTables.class",
                "META-INF/MANIFEST.MF",
                "api/sync/tables/%00/rows",
                "api/sync/tables/%C0%AE%C0%AE/rows",
                "api/sync/tables/%ZZ/rows",
                "api/sync/tables/%/rows")) {
            paths.put(path, null);
        }
        for (Map.Entry<String, String> path : paths.entrySet()) {
            Kind kind = path.getValue() == null ? Kind.REFUSED : Kind.ROWS;
            list.add(get("path " + path.getKey(), path.getKey(), a, kind, path.getValue(), 0));
        }

        // injections into every query parameter of A's own tables
        for (String table : A_COLUMNS.keySet()) {
            String rows = "api/sync/tables/" + table + "/rows";
            for (String value : injections) {
                String v = encode(value);
                String label = " " + table + " '" + abbreviate(value) + "'";
                list.add(get("after=" + label, rows + "?after=" + v, a, Kind.ROWS, table, 0));
                list.add(get("limit=" + label, rows + "?limit=" + v, a, Kind.ROWS, table, 0));
                list.add(get("after=&limit=1" + label, rows + "?limit=1&after=" + v, a, Kind.ROWS, table, 0));
                list.add(get("both" + label, rows + "?after=" + v + "&limit=" + v, a, Kind.ROWS, table, 0));
                list.add(get(
                        "table=" + label,
                        rows + "?table=" + v + "&columns=" + v + "&filter=" + v,
                        a,
                        Kind.ROWS,
                        table,
                        200));
                list.add(get(
                        "digest?after=" + label,
                        "api/sync/tables/" + table + "/digest?after=" + v + "&filter=" + v,
                        a,
                        Kind.DIGEST,
                        table,
                        200));
                // crafted cursors: the injection as the key, and for other tables
                list.add(get("cursor key" + label, rows + "?after=" + cursor(table, value), a, Kind.ROWS, table, 0));
                list.add(get(
                        "cursor key+1" + label, rows + "?after=" + cursor(table, value, "1"), a, Kind.ROWS, table, 0));
                list.add(get("cursor table" + label, rows + "?after=" + cursor(value, "1"), a, Kind.ROWS, table, 0));
            }
            for (String other :
                    List.of("workspaces", "pg_catalog.pg_authid", "outpost_feed.tokens", "companies", "users")) {
                list.add(get(
                        "cursor for " + other + " on " + table,
                        rows + "?after=" + cursor(other, "1"),
                        a,
                        Kind.ROWS,
                        table,
                        0));
                list.add(get(
                        "cursor for " + other + " on " + table + " (0)",
                        rows + "?after=" + cursor(other, "0"),
                        a,
                        Kind.ROWS,
                        table,
                        0));
            }
            for (long id = 0; id <= 40; id += 3) {
                list.add(get(
                        "cursor at " + id + " on " + table,
                        rows + "?limit=2&after=" + cursor(table, Long.toString(id)),
                        a,
                        Kind.ROWS,
                        table,
                        200));
            }
            list.add(get(
                    "duplicated after on " + table,
                    rows + "?after=" + cursor(table, "0") + "&after=" + cursor(table, "40"),
                    a,
                    Kind.ROWS,
                    table,
                    0));
            list.add(get(
                    "null key cursor on " + table, rows + "?after=" + cursor(table, null), a, Kind.ROWS, table, 400));
            list.add(get("limit 1 on " + table, rows + "?limit=1", a, Kind.ROWS, table, 200));
            list.add(get("max limit on " + table, rows + "?limit=1000000", a, Kind.ROWS, table, 200));
            list.add(get("limit over max on " + table, rows + "?limit=1000001", a, Kind.ROWS, table, 400));
        }

        // B's page cursors, on every table
        List<String> bCursors = new ArrayList<>();
        for (String table : List.of("users", "companies", "workspaces", "user_preferences")) {
            for (int limit : List.of(1, 2, 3)) {
                HttpResponse<String> page =
                        api.get("api/sync/tables/" + table + "/rows?limit=" + limit, tokenB.secret());
                assertEquals(200, page.statusCode(), page.body());
                assertTrue(page.body().contains(MARKER), "B sees markers in " + table);
                String next = end(page.body()).next();
                if (next != null) {
                    bCursors.add(next);
                }
            }
        }
        assertTrue(bCursors.size() >= 10, "B's cursors: " + bCursors);
        for (String bCursor : bCursors) {
            for (String table : List.of("users", "companies", "workspaces", "user_preferences")) {
                String path = "api/sync/tables/" + table + "/rows";
                String granted = A_COLUMNS.containsKey(table) ? table : null;
                int status = granted != null ? 0 : 404;
                list.add(get(
                        "B's cursor " + bCursor + " on " + table,
                        path + "?after=" + bCursor,
                        a,
                        Kind.ROWS,
                        granted,
                        status));
                list.add(get(
                        "B's cursor " + bCursor + " on " + table + " limit 1",
                        path + "?limit=1&after=" + bCursor,
                        a,
                        Kind.ROWS,
                        granted,
                        status));
            }
        }

        // the change feed: B's positions, injections in every parameter
        List<Long> bPositions = new ArrayList<>();
        for (ChangeLines.Change change : awaitChanges(tokenB.secret(), feedStart, MARKER + "renamed-3")) {
            bPositions.add(Long.parseLong(change.position()));
        }
        assertTrue(bPositions.size() >= 6, "B's changes: " + bPositions);
        String bSchema = json.fromJson(
                        api.get("api/sync/schema", tokenB.secret()).body(), SchemaInfo.class)
                .fingerprint();
        long latest = Long.parseLong(end(api.get("api/sync/changes", a).body()).next());
        Set<Long> positions = new TreeSet<>(bPositions);
        for (long p : bPositions) {
            positions.add(p - 1);
        }
        positions.addAll(List.of(0L, 1L, feedStart, latest));
        for (long p : positions) {
            list.add(get("B's position " + p, "api/sync/changes?after=" + p, a, Kind.CHANGES, 0));
            list.add(get("B's position " + p + " limit 1", "api/sync/changes?limit=1&after=" + p, a, Kind.CHANGES, 0));
            list.add(get(
                    "B's position " + p + " with B's schema",
                    "api/sync/changes?after=" + p + "&schema=" + encode(bSchema),
                    a,
                    Kind.CHANGES,
                    0));
            list.add(get(
                    "B's position " + p + " with A's schema",
                    "api/sync/changes?after=" + p + "&schema=" + encode(aSchema.fingerprint()),
                    a,
                    Kind.CHANGES,
                    0));
        }
        for (String value : injections) {
            String v = encode(value);
            String label = " '" + abbreviate(value) + "'";
            list.add(get("changes after=" + label, "api/sync/changes?after=" + v, a, Kind.CHANGES, 0));
            list.add(get(
                    "changes limit=" + label,
                    "api/sync/changes?after=" + feedStart + "&limit=" + v,
                    a,
                    Kind.CHANGES,
                    0));
            list.add(get(
                    "changes wait=" + label, "api/sync/changes?after=" + latest + "&wait=" + v, a, Kind.CHANGES, 0));
            list.add(get(
                    "changes schema=" + label,
                    "api/sync/changes?after=" + feedStart + "&schema=" + v,
                    a,
                    Kind.CHANGES,
                    0));
            list.add(get("changes schema= from 0" + label, "api/sync/changes?after=0&schema=" + v, a, Kind.CHANGES, 0));
            list.add(get(
                    "changes table=" + label,
                    "api/sync/changes?after=" + feedStart + "&table=" + v + "&scope=" + v,
                    a,
                    Kind.CHANGES,
                    200));
            list.add(get("version ?" + label, "api/sync/version?table=" + v + "&" + v + "=" + v, a, Kind.VERSION, 200));
            list.add(get("schema ?" + label, "api/sync/schema?table=" + v + "&" + v + "=" + v, a, Kind.SCHEMA, 200));
            list.add(get("feed ?" + label, "api/sync/feed?after=" + v, a, Kind.FEED, 200));
        }

        // headers: injections, B's entity tags
        String bVersionEtag = api.get("api/sync/version", tokenB.secret())
                .headers()
                .firstValue("ETag")
                .orElseThrow();
        String bSchemaEtag = api.get("api/sync/schema", tokenB.secret())
                .headers()
                .firstValue("ETag")
                .orElseThrow();
        assertNotEquals(bVersionEtag, aVersionEtag);
        assertNotEquals(bSchemaEtag, aSchemaEtag);
        for (String etag : List.of(bVersionEtag, bSchemaEtag, "W/" + bVersionEtag, bVersionEtag + ", " + bSchemaEtag)) {
            list.add(new Attack(
                    "B's ETag " + etag + " on version",
                    "GET",
                    "api/sync/version",
                    headers(a, "If-None-Match", etag),
                    Kind.VERSION,
                    200));
            list.add(new Attack(
                    "B's ETag " + etag + " on schema",
                    "GET",
                    "api/sync/schema",
                    headers(a, "If-None-Match", etag),
                    Kind.SCHEMA,
                    200));
        }
        list.add(new Attack(
                "A's own ETag on version",
                "GET",
                "api/sync/version",
                headers(a, "If-None-Match", aVersionEtag),
                Kind.VERSION,
                304));
        list.add(new Attack(
                "A's own ETag on schema",
                "GET",
                "api/sync/schema",
                headers(a, "If-None-Match", aSchemaEtag),
                Kind.SCHEMA,
                304));
        Map<String, Kind> endpoints = new LinkedHashMap<>();
        endpoints.put("api/sync/version", Kind.VERSION);
        endpoints.put("api/sync/schema", Kind.SCHEMA);
        endpoints.put("api/sync/feed", Kind.FEED);
        endpoints.put("api/sync/tables/users/rows?limit=3", Kind.ROWS);
        endpoints.put("api/sync/tables/companies/digest", Kind.DIGEST);
        endpoints.put("api/sync/changes?after=" + feedStart, Kind.CHANGES);
        for (Map.Entry<String, Kind> endpoint : endpoints.entrySet()) {
            for (String value : injections) {
                if (value.contains("\r") || value.contains("\n")) {
                    continue; // would end the header block of the raw request
                }
                for (String header : List.of(
                        "If-None-Match",
                        "If-Match",
                        "Accept",
                        "X-Forwarded-For",
                        "Forwarded",
                        "X-Outpost-Table",
                        "Range",
                        "Cookie",
                        "Content-Type")) {
                    list.add(new Attack(
                            header + ": '" + abbreviate(value) + "' on " + endpoint.getKey(),
                            "GET",
                            endpoint.getKey(),
                            headers(a, header, value),
                            endpoint.getValue(),
                            tableOf(endpoint.getKey()),
                            0));
                }
            }
        }

        // content negotiation with real values: other media types, compression (bodies are gunzipped)
        for (Map.Entry<String, Kind> endpoint : endpoints.entrySet()) {
            for (String[] header : List.of(
                    new String[] {"Accept", "application/xml"},
                    new String[] {"Accept", "text/html"},
                    new String[] {"Accept", "application/x-ndjson;q=0"},
                    new String[] {"Accept", "*/*;q=abc"},
                    new String[] {"Accept", MediaTypes.PROBLEM_JSON},
                    new String[] {"Accept-Encoding", "gzip"},
                    new String[] {"Accept-Encoding", "gzip;q=0"},
                    new String[] {"Accept-Encoding", "deflate, br, gzip"},
                    new String[] {"Accept-Encoding", "' or ''='"})) {
                list.add(new Attack(
                        header[0] + ": " + header[1] + " on " + endpoint.getKey(),
                        "GET",
                        endpoint.getKey(),
                        headers(a, header[0], header[1]),
                        endpoint.getValue(),
                        tableOf(endpoint.getKey()),
                        0));
            }
        }

        // other methods on the sync endpoints
        for (String path : endpoints.keySet()) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND")) {
                list.add(new Attack(method + " " + path, method, path, headers(a), Kind.REFUSED, 0));
            }
            list.add(new Attack("HEAD " + path, "HEAD", path, headers(a), endpoints.get(path), tableOf(path), 0));
        }

        // the admin API and the write endpoints: not for a replica token, whatever it names
        long aId = tokenA.token().id();
        long bId = tokenB.token().id();
        for (String[] request : List.of(
                new String[] {"GET", "api/admin/tokens"},
                new String[] {"GET", "api/admin/tokens/" + bId},
                new String[] {"GET", "api/admin/tokens/" + aId},
                new String[] {"GET", "api/admin/audit"},
                new String[] {"GET", "api/admin/audit?token=" + bId},
                new String[] {"POST", "api/admin/tokens"},
                new String[] {"POST", "api/admin/tokens/" + bId + "/revoke"},
                new String[] {"PATCH", "api/admin/tokens/" + aId},
                new String[] {"GET", "api/admin/tokens/" + encode("1 or 1=1")},
                new String[] {"GET", "api/admin/tokens/..%2F" + bId},
                new String[] {"POST", "api/companies"},
                new String[] {"POST", "api/users"},
                new String[] {"PUT", "api/users/1"},
                new String[] {"DELETE", "api/users/1"},
                new String[] {"DELETE", "api/companies/3"},
                new String[] {"GET", "api/users/1"},
                new String[] {"GET", "api/companies"})) {
            list.add(new Attack(
                    "replica token on " + request[0] + " " + request[1],
                    request[0],
                    request[1],
                    headers(a, "Content-Type", "application/json"),
                    Kind.REFUSED,
                    403));
        }
        return list;
    }

    // ---- running and checking one attack

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
        String problem = check(attack, answer);
        if (problem != null) {
            failures.add(attack.label() + " [" + attack.method() + " " + abbreviate(attack.target()) + "] -> "
                    + answer.status() + ": " + problem + " | head: " + abbreviate(answer.head()) + " | body: "
                    + abbreviate(answer.body()));
        }
        return answer;
    }

    /**
     * Whether a request breaks HTTP itself, so that Payara's HTTP layer (Grizzly) refuses it with a bare
     * 4xx before any filter or servlet of the application sees it: {@code TRACE}, a control or non-ASCII
     * byte in a header value, a NUL, backslash or overlong UTF-8 escape in the path, a request line over
     * 8 KiB.
     */
    private static boolean malformedHttp(Attack attack) {
        String path = attack.target().toUpperCase(Locale.ROOT);
        return attack.method().equals("TRACE")
                || path.contains("%00")
                || path.contains("%5C")
                || path.contains("%C0")
                || attack.target().length() > 8_000
                || attack.headers().stream().anyMatch(h -> h[1].chars().anyMatch(ch -> ch < 0x20 || ch > 0x7e));
    }

    /** Whether the path has a {@code %} not followed by two hex digits. */
    private static boolean badEscape(Attack attack) {
        String path = attack.target().split("\\?", 2)[0];
        return java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})")
                .matcher(path)
                .find();
    }

    /** What is wrong with the answer to an attack, or null. */
    private String check(Attack attack, RawHttp.Answer answer) {
        int status = answer.status();
        if (status >= 500 || status < 100) {
            return "a server error";
        }
        String everything = answer.head() + "\n" + answer.body();
        for (String secret : List.of(
                MARKER,
                tokenB.secret(),
                ADMIN_TOKEN,
                SYNC_TOKEN,
                "secret_sha256",
                "\tat ",
                "Exception",
                "PSQL",
                "ERROR:")) {
            if (everything.contains(secret)) {
                return "the answer contains '" + abbreviate(secret) + "'";
            }
        }
        boolean bare = answer.header("content-type") == null && answer.body().isEmpty();
        if (status >= 400 && malformedHttp(attack) && bare) {
            httpLayerRefusals++;
            return null; // refused by the HTTP layer (Grizzly) before the application: nothing to leak
        }
        if (badEscape(attack) && bare) {
            // Excluded, a bug of Payara's container and not of Outpost: a path with a malformed %-escape
            // ("%ZZ", a lone "%") makes CoyoteAdapter.postParseRequest log an IllegalArgumentException
            // (URLDecoder: Illegal hex characters in escape) and answer an empty 200 before any part of
            // the application runs. Nothing leaks (asserted above: no marker, empty body), but it is no
            // 4xx problem. Accepted as that bare answer only, whatever its status.
            httpLayerRefusals++;
            return null;
        }
        if (attack.status() != 0 && status != attack.status()) {
            return "expected " + attack.status();
        }
        if (status >= 400) {
            String type = answer.header("content-type");
            if (type == null || !type.startsWith(MediaTypes.PROBLEM_JSON)) {
                return "a " + status + " with content type " + type + ", not a problem";
            }
            try {
                Problem p = json.fromJson(answer.body(), Problem.class);
                if (p.status() != status || p.type() == null || !p.type().startsWith("urn:outpost:problem:")) {
                    return "a problem that does not describe the answer: " + p;
                }
                // a table A may not see is exactly an unknown one: no existence oracle
                if (status == 404
                        && attack.table() == null
                        && (attack.kind() == Kind.ROWS || attack.kind() == Kind.DIGEST)
                        && attack.target().startsWith("api/sync/tables/")
                        && !attack.target().startsWith("api/sync/tables//") // no name: no resource at all
                        && (!p.type().equals(ProblemType.UNKNOWN_TABLE.uri())
                                || !p.detail().startsWith("no synced table named '"))) {
                    return "an ungranted table answered unlike an unknown one: " + p;
                }
            } catch (RuntimeException e) {
                return "a problem body that does not parse: " + e;
            }
            return null;
        }
        if (status != 200 || attack.method().equals("HEAD")) {
            return status == 304 && attack.kind() != Kind.VERSION && attack.kind() != Kind.SCHEMA
                    ? "a 304 outside the version and schema"
                    : null;
        }
        try {
            return switch (attack.kind()) {
                case VERSION -> checkVersion(answer);
                case SCHEMA -> checkSchema(answer);
                case FEED -> checkFeed(answer);
                case ROWS -> checkRows(attack, answer);
                case DIGEST -> checkDigest(attack, answer);
                case CHANGES -> checkChangesAnswer(attack, answer);
                    // OPTIONS: the methods a resource allows, the same for every caller (the body was checked above)
                case REFUSED -> attack.method().equals("OPTIONS") ? null : "answered 200";
            };
        } catch (RuntimeException e) {
            return "an answer that does not parse: " + e;
        }
    }

    private String checkVersion(RawHttp.Answer answer) {
        VersionInfo version = json.fromJson(answer.body(), VersionInfo.class);
        if (!version.tableFingerprints().keySet().equals(A_COLUMNS.keySet())) {
            return "version lists " + version.tableFingerprints().keySet();
        }
        if (!aVersionEtag.equals(answer.header("etag"))) {
            return "version ETag " + answer.header("etag") + " is not A's " + aVersionEtag;
        }
        return null;
    }

    private String checkSchema(RawHttp.Answer answer) {
        SchemaInfo schema = json.fromJson(answer.body(), SchemaInfo.class);
        Map<String, List<String>> columns = new TreeMap<>();
        for (TableSchema t : schema.tables()) {
            columns.put(t.name(), t.columns().stream().map(ColumnSchema::name).toList());
        }
        if (!columns.equals(new TreeMap<>(A_COLUMNS))) {
            return "schema shows " + columns;
        }
        for (String hidden : List.of(
                "phone",
                "display_name",
                "credit_limit",
                "avatar",
                "birth_date",
                "workspaces",
                "user_preferences",
                "data_tables")) {
            if (answer.body().contains("\"" + hidden + "\"")) {
                return "schema names " + hidden;
            }
        }
        if (!schema.fingerprint().equals(aSchema.fingerprint()) || !aSchemaEtag.equals(answer.header("etag"))) {
            return "schema is not A's";
        }
        return null;
    }

    private String checkFeed(RawHttp.Answer answer) {
        json.fromJson(answer.body(), FeedStatus.class);
        return null;
    }

    private String checkRows(Attack attack, RawHttp.Answer answer) {
        String table = attack.table();
        if (table == null) {
            return "rows of a table A is not granted";
        }
        List<String[]> rows = new ArrayList<>();
        RowLines.End end = null;
        for (String line : answer.body().split("\n")) {
            RowLines.Line parsed = RowLines.parse(line);
            if (parsed instanceof RowLines.Row row) {
                rows.add(row.values());
            } else {
                end = (RowLines.End) parsed;
            }
        }
        if (end == null || end.rows() != rows.size()) {
            return "the end marker does not count the rows";
        }
        long previous = Long.MIN_VALUE;
        for (String[] row : rows) {
            if (row.length != A_COLUMNS.get(table).size()) {
                return "a row of " + row.length + " columns: " + Arrays.toString(row);
            }
            if (!aKeysNow.get(table).contains(row[0])) {
                return "a row outside A's scope: " + Arrays.toString(row);
            }
            if (Long.parseLong(row[0]) <= previous) {
                return "rows out of key order";
            }
            previous = Long.parseLong(row[0]);
        }
        if (end.next() != null) {
            String[] cursor = ((RowLines.Row) RowLines.parse(
                            new String(Base64.getUrlDecoder().decode(end.next()), StandardCharsets.UTF_8)))
                    .values();
            if (!cursor[0].equals(table)
                    || cursor.length != 2
                    || !aKeysNow.get(table).contains(cursor[1])) {
                return "a cursor outside A's scope: " + Arrays.toString(cursor);
            }
        }
        return null;
    }

    private String checkDigest(Attack attack, RawHttp.Answer answer) {
        String table = attack.table();
        if (table == null) {
            return "a digest of a table A is not granted";
        }
        TableDigest digest = json.fromJson(answer.body(), TableDigest.class);
        if (!digest.table().equals(table)
                || digest.rows() != aKeysNow.get(table).size()) {
            return "digest " + digest + " counts other than A's "
                    + aKeysNow.get(table).size() + " rows";
        }
        return null;
    }

    private String checkChangesAnswer(Attack attack, RawHttp.Answer answer) {
        List<ChangeLines.Change> changes = new ArrayList<>();
        RowLines.End end = null;
        for (String line : answer.body().split("\n")) {
            RowLines.Line parsed = RowLines.parse(line);
            if (parsed instanceof RowLines.Row row) {
                changes.add(ChangeLines.Change.of(row.values()));
            } else {
                end = (RowLines.End) parsed;
            }
        }
        if (end == null || end.rows() != changes.size()) {
            return "the end marker does not count the changes";
        }
        List<String> failures = new ArrayList<>();
        checkChanges(attack.label(), changes, failures);
        if (!failures.isEmpty()) {
            return String.join("; ", failures);
        }
        // from a position within the writes: exactly A's changes after it
        String after = query(attack.target(), "after");
        if (after != null && after.matches("\\d+") && Long.parseLong(after) >= feedStart) {
            long p = Long.parseLong(after);
            List<ChangeLines.Change> expected = aChanges.stream()
                    .filter(c -> Long.parseLong(c.position()) > p)
                    .toList();
            if (changes.size() > expected.size() || !changes.equals(expected.subList(0, changes.size()))) {
                return "changes after " + p + " are not A's: " + changes;
            }
            if (query(attack.target(), "limit") == null && changes.size() != expected.size()) {
                return "changes after " + p + " miss some of A's: " + changes;
            }
        }
        return null;
    }

    /** Each change is of a table A is granted, a row A may see, in A's columns and row shape. */
    private void checkChanges(String label, List<ChangeLines.Change> changes, List<String> failures) {
        Map<String, String> shapes = new TreeMap<>();
        for (TableSchema t : aSchema == null ? List.<TableSchema>of() : aSchema.tables()) {
            shapes.put(t.name(), t.shape());
        }
        for (ChangeLines.Change change : changes) {
            List<String> columns = A_COLUMNS.get(change.table());
            if (columns == null) {
                failures.add(label + ": a change of " + change.table() + ": " + change);
                continue;
            }
            String key = change.values().length == 0 ? null : change.values()[0];
            switch (change.op()) {
                case ChangeLines.UPSERT -> {
                    if (change.values().length != columns.size()
                            || !aKeysEver.get(change.table()).contains(key)) {
                        failures.add(label + ": an upsert outside A's scope: " + change);
                    }
                }
                case ChangeLines.DELETE -> {
                    if (change.values().length != 1
                            || !aKeysBefore.get(change.table()).contains(key)) {
                        failures.add(label + ": a delete of a row A never saw: " + change);
                    }
                }
                default -> failures.add(label + ": a truncate nobody did: " + change);
            }
            if (!shapes.isEmpty() && !change.shape().equals(shapes.get(change.table()))) {
                failures.add(label + ": a change under another row shape: " + change);
            }
            if (change.toString().contains(MARKER)) {
                failures.add(label + ": a marker in " + change);
            }
        }
    }

    // ---- HTTP, raw: every byte of the target and the headers is the test's

    /** An answer: status, headers (lower-case names), the header block as sent and the body. */
    private static Attack get(String label, String target, String token, Kind kind, int status) {
        return new Attack(label, "GET", target, headers(token), kind, status);
    }

    private static Attack get(String label, String target, String token, Kind kind, String table, int status) {
        return new Attack(label, "GET", target, headers(token), kind, table, status);
    }

    /** The table of A's whose rows or digest a target of {@link #endpoints} reads, if any. */
    private static String tableOf(String target) {
        for (String table : A_COLUMNS.keySet()) {
            if (target.startsWith("api/sync/tables/" + table + "/")) {
                return table;
            }
        }
        return null;
    }

    private static List<String[]> headers(String token, String... nameValues) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Authorization", "Bearer " + token});
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(new String[] {nameValues[i], nameValues[i + 1]});
        }
        return headers;
    }

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

    private static RowLines.End end(String body) {
        String[] lines = body.split("\n");
        return (RowLines.End) RowLines.parse(lines[lines.length - 1]);
    }

    /** A page cursor as the server encodes one (base64url of a row line: table, key values). */
    private static String cursor(String... parts) {
        String line = RowLines.rowLine(parts);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(line.substring(0, line.length() - 1).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(String target, String name) {
        int q = target.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String pair : target.substring(q + 1).split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    private static String changeOneCharacter(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }

    private static String abbreviate(String s) {
        String printable = s.replace("\u0000", "\\0").replace("\r", "\\r").replace("\n", "\\n");
        return printable.length() <= 120 ? printable : printable.substring(0, 120) + "...(" + s.length() + " chars)";
    }

    private static List<Long> longs(Connection c, String sql) throws SQLException {
        return strings(c, sql).stream().map(Long::parseLong).toList();
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
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
