package dev.outpost.e2e;

import static dev.outpost.e2e.LeakHuntIT.A_COLUMNS;
import static dev.outpost.e2e.LeakHuntIT.JSON;
import static dev.outpost.e2e.LeakHuntIT.MARKER;
import static dev.outpost.e2e.LeakHuntIT.abbreviate;
import static dev.outpost.e2e.LeakHuntIT.end;
import static dev.outpost.e2e.LeakHuntIT.strings;
import static dev.outpost.e2e.LeakRequests.FOREIGN_TABLES;
import static dev.outpost.e2e.LeakRequests.INJECTIONS;
import static dev.outpost.e2e.LeakRequests.cursor;
import static dev.outpost.e2e.LeakRequests.encode;
import static dev.outpost.e2e.LeakRequests.get;
import static dev.outpost.e2e.LeakRequests.headers;
import static dev.outpost.e2e.LeakRequests.tableOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.e2e.LeakRequests.Attack;
import dev.outpost.e2e.LeakRequests.Kind;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.server.testsupport.ApiCalls;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The leak hunt's catalogue ({@link LeakHuntIT}): every request token A sends to reach what token B
 * may see, built from B's real cursors, positions, entity tags and schema, the server's catalog names
 * and a list of injection strings in every parameter, path segment and header.
 */
final class LeakAttacks {
    private LeakAttacks() {}

    /**
     * What the hunt knows when it builds its attacks: both tokens, the feed position the writes started
     * at, A's entity tags, B's changes after it, and the server to read B's data from.
     */
    record Setup(
            CreatedToken tokenA,
            CreatedToken tokenB,
            long feedStart,
            String aVersionEtag,
            String aSchemaEtag,
            String aSchemaFingerprint,
            List<ChangeLines.Change> bChanges,
            ApiCalls api,
            OutpostStack stack) {}

    /** Every request token A sends at B's data, in the hunt's order. */
    static List<Attack> of(Setup setup) throws Exception {
        CreatedToken tokenA = setup.tokenA();
        CreatedToken tokenB = setup.tokenB();
        long feedStart = setup.feedStart();
        String aVersionEtag = setup.aVersionEtag();
        String aSchemaEtag = setup.aSchemaEtag();
        ApiCalls api = setup.api();
        OutpostStack stack = setup.stack();
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
        for (ChangeLines.Change change : setup.bChanges()) {
            bPositions.add(Long.parseLong(change.position()));
        }
        assertTrue(bPositions.size() >= 6, "B's changes: " + bPositions);
        String bSchema = JSON.fromJson(
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
                    "api/sync/changes?after=" + p + "&schema=" + encode(setup.aSchemaFingerprint()),
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

        // content negotiation with real values: other media types, compression (bodies are decoded)
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
                    new String[] {"Accept-Encoding", "zstd"},
                    new String[] {"Accept-Encoding", "zstd;q=0, gzip"},
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

}
