package dev.outpost.client.internal.schema;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one quoting rule for table and column names, used for the generated mapping and for every
 * hand-written SQL statement.
 *
 * <p>A PostgreSQL name matching {@code [a-z_][a-z0-9_]*} that is not a Derby reserved word is used
 * unquoted: Derby folds it to upper case, so {@code select * from users} works against both
 * databases. Any other name (mixed or upper case, a reserved word such as {@code user} or {@code
 * order}, a leading digit, other characters) is quoted and keeps its exact spelling.
 */
public final class Identifiers {
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Derby 10.16 reserved words (Derby reference manual, "SQL reserved words"), lower case. */
    private static final Set<String> RESERVED = Set.of(
            "add",
            "all",
            "allocate",
            "alter",
            "and",
            "any",
            "are",
            "as",
            "asc",
            "assertion",
            "at",
            "authorization",
            "avg",
            "begin",
            "between",
            "bigint",
            "bit",
            "boolean",
            "both",
            "by",
            "call",
            "cascade",
            "cascaded",
            "case",
            "cast",
            "char",
            "character",
            "character_length",
            "char_length",
            "check",
            "close",
            "coalesce",
            "collate",
            "collation",
            "column",
            "commit",
            "connect",
            "connection",
            "constraint",
            "constraints",
            "continue",
            "convert",
            "corresponding",
            "create",
            "cross",
            "current",
            "current_date",
            "current_role",
            "current_time",
            "current_timestamp",
            "current_user",
            "cursor",
            "deallocate",
            "dec",
            "decimal",
            "declare",
            "default",
            "deferrable",
            "deferred",
            "delete",
            "desc",
            "describe",
            "diagnostics",
            "disconnect",
            "distinct",
            "double",
            "drop",
            "else",
            "end",
            "end-exec",
            "escape",
            "except",
            "exception",
            "exec",
            "execute",
            "exists",
            "explain",
            "external",
            "false",
            "fetch",
            "first",
            "float",
            "for",
            "foreign",
            "found",
            "from",
            "full",
            "function",
            "get",
            "getcurrentconnection",
            "global",
            "go",
            "goto",
            "grant",
            "group",
            "having",
            "hour",
            "identity",
            "immediate",
            "in",
            "indicator",
            "initially",
            "inner",
            "inout",
            "input",
            "insensitive",
            "insert",
            "int",
            "integer",
            "intersect",
            "into",
            "is",
            "isolation",
            "join",
            "key",
            "last",
            "left",
            "like",
            "lower",
            "ltrim",
            "match",
            "max",
            "min",
            "minute",
            "national",
            "natural",
            "nchar",
            "nvarchar",
            "next",
            "no",
            "none",
            "not",
            "null",
            "nullif",
            "numeric",
            "of",
            "on",
            "only",
            "open",
            "option",
            "or",
            "order",
            "outer",
            "output",
            "overlaps",
            "pad",
            "partial",
            "prepare",
            "preserve",
            "primary",
            "prior",
            "privileges",
            "procedure",
            "public",
            "read",
            "real",
            "references",
            "relative",
            "restrict",
            "revoke",
            "right",
            "rollback",
            "rows",
            "row_number",
            "rtrim",
            "schema",
            "scroll",
            "second",
            "select",
            "session_user",
            "set",
            "smallint",
            "some",
            "space",
            "sql",
            "sqlcode",
            "sqlerror",
            "sqlstate",
            "substr",
            "substring",
            "sum",
            "system_user",
            "table",
            "temporary",
            "timezone_hour",
            "timezone_minute",
            "to",
            "transaction",
            "translate",
            "translation",
            "trim",
            "true",
            "union",
            "unique",
            "unknown",
            "update",
            "upper",
            "user",
            "using",
            "values",
            "varchar",
            "varying",
            "view",
            "whenever",
            "where",
            "with",
            "work",
            "write",
            "xml",
            "xmlexists",
            "xmlparse",
            "xmlquery",
            "xmlserialize",
            "year");

    private Identifiers() {}

    /** Whether the name must be quoted (see the class comment). */
    public static boolean needsQuoting(String name) {
        return !PLAIN.matcher(name).matches() || RESERVED.contains(name);
    }

    /** The name as written in SQL: plain, or in double quotes. */
    public static String sql(String name) {
        return needsQuoting(name) ? '"' + name + '"' : name;
    }

    /** The name as written in Hibernate's mapping: plain, or in backticks. */
    public static String mapping(String name) {
        return needsQuoting(name) ? '`' + name + '`' : name;
    }

    /** The name as Derby's catalog stores it: upper case when unquoted, else exact. */
    public static String catalogName(String name) {
        return needsQuoting(name) ? name : name.toUpperCase(Locale.ROOT);
    }

    /** Why the name cannot be used in the replica, or {@code null} when it can. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "the name is empty";
        }
        if (name.indexOf('"') >= 0 || name.indexOf('`') >= 0) {
            return "the name contains a double quote or backtick";
        }
        if (name.length() > 128) {
            return "the name is longer than Derby's 128 characters";
        }
        return null;
    }
}
