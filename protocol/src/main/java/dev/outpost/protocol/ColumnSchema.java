package dev.outpost.protocol;

/**
 * One column of a synced table as PostgreSQL's catalog describes it. Defaults are not carried: a
 * replica receives every value explicitly.
 *
 * @param name column name exactly as in PostgreSQL (case preserved)
 * @param type PostgreSQL type name ({@code pg_type.typname}, e.g. {@code int8}, {@code varchar},
 *     {@code timestamptz}; arrays start with an underscore)
 * @param length maximum character length for {@code varchar(n)} / {@code char(n)}, else {@code null}
 * @param precision declared precision of {@code numeric(p,s)}, else {@code null}
 * @param scale declared scale of {@code numeric(p,s)}, else {@code null}
 * @param nullable whether the column accepts NULL
 */
public record ColumnSchema(
        String name, String type, Integer length, Integer precision, Integer scale, boolean nullable) {}
