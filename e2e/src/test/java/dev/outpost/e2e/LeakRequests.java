package dev.outpost.e2e;

import static dev.outpost.e2e.LeakHuntIT.A_COLUMNS;

import dev.outpost.protocol.RowLines;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What the leak hunt's requests are made of ({@link LeakAttacks}): the kinds of answer, one raw request,
 * the injection strings and foreign table names, and how a request target, header or cursor is written.
 */
final class LeakRequests {
    private LeakRequests() {}

    /** What goes into every query parameter, path segment and header. */
    static final List<String> INJECTIONS = List.of(
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
    static final List<String> FOREIGN_TABLES = List.of(
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

    /** What a request is, for checking its answer. */
    enum Kind {
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
    record Attack(
            String label, String method, String target, List<String[]> headers, Kind kind, String table, int status) {
        Attack(String label, String method, String target, List<String[]> headers, Kind kind, int status) {
            this(label, method, target, headers, kind, null, status);
        }
    }

    /** A GET of {@code target} with {@code token}. */
    static Attack get(String label, String target, String token, Kind kind, int status) {
        return new Attack(label, "GET", target, headers(token), kind, status);
    }

    static Attack get(String label, String target, String token, Kind kind, String table, int status) {
        return new Attack(label, "GET", target, headers(token), kind, table, status);
    }

    /** The table of A's whose rows or digest a target of {@link #endpoints} reads, if any. */
    static String tableOf(String target) {
        for (String table : A_COLUMNS.keySet()) {
            if (target.startsWith("api/sync/tables/" + table + "/")) {
                return table;
            }
        }
        return null;
    }

    static List<String[]> headers(String token, String... nameValues) {
        List<String[]> headers = new ArrayList<>();
        headers.add(new String[] {"Authorization", "Bearer " + token});
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(new String[] {nameValues[i], nameValues[i + 1]});
        }
        return headers;
    }

    /** A page cursor as the server encodes one (base64url of a row line: table, key values). */
    static String cursor(String... parts) {
        String line = RowLines.rowLine(parts);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(line.substring(0, line.length() - 1).getBytes(StandardCharsets.UTF_8));
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String changeOneCharacter(String token) {
        char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    }
}
