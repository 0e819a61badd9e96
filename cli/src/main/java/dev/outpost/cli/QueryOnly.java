package dev.outpost.cli;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code sql} command runs queries only: a statement must begin (after comments, spaces and
 * opening parentheses) with {@code SELECT}, {@code VALUES} or {@code WITH}. A read-only connection
 * already refuses data changes, but not a {@code CALL} of Derby's system procedures, which can write
 * files ({@code SYSCS_UTIL.SYSCS_EXPORT_TABLE}) or change the database's settings.
 */
final class QueryOnly {
    private static final Set<String> QUERY_KEYWORDS = Set.of("select", "values", "with");

    private QueryOnly() {}

    /** Returns {@code sql} when it is a query; throws {@link ErrorCode#CONFIG_INVALID} otherwise. */
    static String check(String sql) {
        String keyword = firstKeyword(sql);
        if (!QUERY_KEYWORDS.contains(keyword)) {
            throw new OutpostException(
                    ErrorCode.CONFIG_INVALID,
                    "sql runs queries only (SELECT, VALUES or WITH), not "
                            + (keyword.isEmpty() ? "an empty statement" : keyword.toUpperCase(Locale.ROOT)));
        }
        return sql;
    }

    private static String firstKeyword(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < n && Character.isLetter(sql.charAt(i))) {
            i++;
        }
        return sql.substring(start, i).toLowerCase(Locale.ROOT);
    }
}
