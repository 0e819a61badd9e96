package dev.outpost.client.internal.schema;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one place that maps PostgreSQL column types to Derby and decides what a replica cannot hold.
 *
 * <table>
 *   <caption>Type mapping</caption>
 *   <tr><th>PostgreSQL</th><th>Derby</th></tr>
 *   <tr><td>int8, int4, int2</td><td>BIGINT, INTEGER, SMALLINT</td></tr>
 *   <tr><td>numeric(p,s), p &le; 31</td><td>DECIMAL(p,s)</td></tr>
 *   <tr><td>float8, float4</td><td>DOUBLE, REAL</td></tr>
 *   <tr><td>bool</td><td>BOOLEAN</td></tr>
 *   <tr><td>varchar(n), n &le; 32672</td><td>VARCHAR(n)</td></tr>
 *   <tr><td>bpchar(n), n &le; 254 (longer: like varchar)</td><td>CHAR(n)</td></tr>
 *   <tr><td>longer or unbounded varchar, text, json, jsonb</td><td>CLOB (VARCHAR(32672) in a key)</td></tr>
 *   <tr><td>date, time, timestamp</td><td>DATE, TIME, TIMESTAMP</td></tr>
 *   <tr><td>timestamptz</td><td>TIMESTAMP holding UTC</td></tr>
 *   <tr><td>bytea</td><td>BLOB</td></tr>
 *   <tr><td>uuid</td><td>CHAR(36)</td></tr>
 * </table>
 *
 * <p>Anything else fails the {@link #preflight}, as do numeric without precision or with precision
 * above 31, tables without a primary key, LOB columns in a key, unusable names, and tables whose Derby
 * name starts with {@value #RESERVED_TABLE_PREFIX} (the replica's own metadata tables).
 */
public final class DerbyTypes {
    /** Prefix of the replica's own tables; a synced table whose Derby name has it is rejected. */
    public static final String RESERVED_TABLE_PREFIX = "OUTPOST_";

    /** Derby's longest VARCHAR. */
    public static final int MAX_VARCHAR = 32672;

    /** Derby's longest CHAR. */
    public static final int MAX_CHAR = 254;

    /** Derby's largest DECIMAL precision. */
    public static final int MAX_PRECISION = 31;

    private DerbyTypes() {}

    /**
     * Maps every table, or fails listing every column that cannot be replicated.
     *
     * @throws OutpostException with {@link ErrorCode#SCHEMA_UNSUPPORTED} naming each {@code
     *     table.column} and why
     */
    public static List<ReplicaTable> preflight(SchemaInfo schema) {
        List<String> problems = new ArrayList<>();
        List<ReplicaTable> tables = new ArrayList<>();
        Set<String> catalogNames = new HashSet<>();
        for (TableSchema t : schema.tables()) {
            int before = problems.size();
            checkTableName(t.name(), catalogNames, problems);
            List<String> pk = t.primaryKey() == null ? List.of() : t.primaryKey();
            if (pk.isEmpty()) {
                problems.add(t.name() + ": tables without a primary key are not supported");
            }
            Set<String> keyColumns = new HashSet<>(pk);
            List<List<String>> uniques = uniqueKeys(t, pk);
            uniques.forEach(keyColumns::addAll);
            List<ReplicaColumn> columns = new ArrayList<>();
            Set<String> columnNames = new HashSet<>();
            for (ColumnSchema c : t.columns()) {
                String nameProblem = Identifiers.problem(c.name());
                if (nameProblem == null && !columnNames.add(Identifiers.catalogName(c.name()))) {
                    nameProblem = "another column has the same name in Derby";
                }
                if (nameProblem != null) {
                    problems.add(t.name() + "." + c.name() + ": " + nameProblem);
                    continue;
                }
                try {
                    columns.add(column(c, keyColumns.contains(c.name())));
                } catch (IllegalArgumentException e) {
                    problems.add(t.name() + "." + c.name() + ": " + e.getMessage());
                }
            }
            for (String key : keyColumns) {
                if (t.columns().stream().noneMatch(c -> c.name().equals(key))) {
                    problems.add(t.name() + "." + key + ": key column is not among the table's columns");
                }
            }
            if (problems.size() == before) {
                tables.add(new ReplicaTable(t.name(), t.fingerprint(), columns, pk, uniques));
            }
        }
        if (!problems.isEmpty()) {
            throw new OutpostException(
                    ErrorCode.SCHEMA_UNSUPPORTED,
                    "The server's schema cannot be replicated to Derby: " + String.join("; ", problems));
        }
        return tables;
    }

    /**
     * Maps one column.
     *
     * @param inKey whether the column is part of the primary key or a unique constraint
     * @throws IllegalArgumentException saying why the column cannot be replicated
     */
    public static ReplicaColumn column(ColumnSchema c, boolean inKey) {
        String type = c.type() == null ? "" : c.type().toLowerCase(Locale.ROOT);
        Integer length = c.length();
        ColumnKind kind =
                switch (type) {
                    case "int8" -> ColumnKind.BIGINT;
                    case "int4" -> ColumnKind.INTEGER;
                    case "int2" -> ColumnKind.SMALLINT;
                    case "numeric" -> ColumnKind.DECIMAL;
                    case "float8" -> ColumnKind.DOUBLE;
                    case "float4" -> ColumnKind.REAL;
                    case "bool" -> ColumnKind.BOOLEAN;
                    case "bpchar" -> length != null && length <= MAX_CHAR ? ColumnKind.CHAR : text(length, inKey);
                    case "varchar" -> text(length, inKey);
                    case "text", "json", "jsonb" -> text(null, inKey);
                    case "date" -> ColumnKind.DATE;
                    case "time" -> ColumnKind.TIME;
                    case "timestamp" -> ColumnKind.TIMESTAMP;
                    case "timestamptz" -> ColumnKind.TIMESTAMP_UTC;
                    case "bytea" -> ColumnKind.BLOB;
                    case "uuid" -> ColumnKind.UUID;
                    default -> throw new IllegalArgumentException(
                            type.startsWith("_")
                                    ? "array type " + type + " is not supported"
                                    : "type " + (type.isEmpty() ? "(none)" : type) + " is not supported");
                };
        if (inKey && kind.isLob()) {
            throw new IllegalArgumentException(type + " cannot be part of a primary key or unique constraint in Derby");
        }
        int precision = 0;
        int scale = 0;
        if (kind == ColumnKind.DECIMAL) {
            if (c.precision() == null) {
                throw new IllegalArgumentException(
                        "numeric without a precision is not supported (declare numeric(p,s))");
            }
            if (c.precision() > MAX_PRECISION) {
                throw new IllegalArgumentException(
                        "numeric(" + c.precision() + ") exceeds Derby's maximum precision " + MAX_PRECISION);
            }
            precision = c.precision();
            scale = c.scale() == null ? 0 : c.scale();
        }
        int len =
                switch (kind) {
                    case VARCHAR -> length == null ? MAX_VARCHAR : length;
                    case CHAR -> length;
                    case UUID -> 36;
                    case CLOB, BLOB -> ColumnKind.LOB_LENGTH;
                    default -> 0;
                };
        return new ReplicaColumn(c.name(), type, kind, len, precision, scale, c.nullable());
    }

    /** VARCHAR when it fits (or is a key column, limited to the longest VARCHAR), else CLOB. */
    private static ColumnKind text(Integer length, boolean inKey) {
        if (length != null && length <= MAX_VARCHAR) {
            return ColumnKind.VARCHAR;
        }
        return inKey ? ColumnKind.VARCHAR : ColumnKind.CLOB;
    }

    private static void checkTableName(String name, Set<String> catalogNames, List<String> problems) {
        String nameProblem = Identifiers.problem(name);
        if (nameProblem != null) {
            problems.add(name + ": " + nameProblem);
            return;
        }
        String catalog = Identifiers.catalogName(name);
        if (catalog.toUpperCase(Locale.ROOT).startsWith(RESERVED_TABLE_PREFIX)) {
            problems.add(name + ": names starting with " + RESERVED_TABLE_PREFIX.toLowerCase(Locale.ROOT)
                    + " are reserved for the replica's own tables");
        } else if (!catalogNames.add(catalog)) {
            problems.add(name + ": another table has the same name in Derby");
        }
    }

    /** Unique constraints without duplicates and without the primary key (Derby rejects repeats). */
    private static List<List<String>> uniqueKeys(TableSchema t, List<String> pk) {
        Set<Set<String>> seen = new HashSet<>();
        seen.add(Set.copyOf(pk));
        List<List<String>> result = new ArrayList<>();
        if (t.uniqueConstraints() != null) {
            for (List<String> u : t.uniqueConstraints()) {
                if (!u.isEmpty() && seen.add(new LinkedHashSet<>(u))) {
                    result.add(u);
                }
            }
        }
        return result;
    }
}
