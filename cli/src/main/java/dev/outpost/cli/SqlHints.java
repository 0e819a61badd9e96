package dev.outpost.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hints for PostgreSQL habits that the replica's Derby does not accept, shown under Derby's message
 * when a query failed. Each row is a pattern found in the query's text, the hint's text (a {@link
 * Matcher#replaceFirst} replacement of what the pattern found, so {@code $1} is its first group) and,
 * for a hint that fits only some failures, Derby's SQL states it fits. Derby accepts {@code TRUE} and
 * {@code FALSE} literals and compares a BOOLEAN with {@code 't'}, so those need no hint.
 */
final class SqlHints {
    private record Hint(Pattern pattern, String text, Set<String> states) {
        Hint(String regex, String text, String... states) {
            this(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL), text, Set.of(states));
        }

        boolean fits(String sqlState) {
            return states.isEmpty() || states.contains(sqlState);
        }
    }

    private static final List<Hint> HINTS = List.of(
            new Hint(
                    "\\bLIMIT\\s+(\\d++)\\s+OFFSET\\s+(\\d++)",
                    "Derby has no LIMIT: write OFFSET $2 ROWS FETCH FIRST $1 ROWS ONLY"),
            new Hint(
                    "\\bLIMIT\\s+(\\d++)(?!\\s+OFFSET\\b)",
                    "Derby has no LIMIT: write FETCH FIRST $1 ROWS ONLY (after OFFSET m ROWS to skip m rows)"),
            new Hint("^(?!.*\\bLIMIT\\b).*?\\bOFFSET\\s+(\\d++)(?!\\s+ROWS?\\b)", "Derby writes OFFSET $1 ROWS"),
            new Hint("\\bILIKE\\b", "Derby has no ILIKE: write LOWER(x) LIKE LOWER('pattern')"),
            new Hint("::\\s*([A-Za-z]\\w*)", "Derby has no :: casts: write CAST(x AS $1) for x::$1"),
            new Hint("::\\s*text\\b", "Derby has no TEXT type: cast to VARCHAR(n)"),
            new Hint("\\bnow\\s*\\(\\s*\\)", "Derby has no now(): write CURRENT_TIMESTAMP"),
            new Hint(
                    "\"([a-z_][a-z0-9_]*)\"",
                    "Derby upper-cases unquoted names, and the replica's tables and columns are stored so: write"
                            + " $1 without double quotes (a quoted \"$1\" is another name; a string takes single"
                            + " quotes)",
                    "42X04",
                    "42X05"));

    private SqlHints() {}

    /**
     * The hints for {@code query}, which failed with {@code sqlState}, in the table's order; empty when
     * none applies.
     */
    static List<String> forQuery(String query, String sqlState) {
        List<String> hints = new ArrayList<>();
        for (Hint hint : HINTS) {
            Matcher m = hint.pattern().matcher(query);
            if (hint.fits(sqlState) && m.find()) {
                hints.add(hint.pattern().matcher(m.group()).replaceFirst(hint.text()));
            }
        }
        return hints;
    }
}
