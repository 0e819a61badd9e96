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
 * The full table, with the reasons, is {@code docs/type-mapping.md}; in short:
 *
 * <table>
 *   <caption>Type mapping</caption>
 *   <tr><th>PostgreSQL</th><th>Derby</th></tr>
 *   <tr><td>int8, int4, int2</td><td>BIGINT, INTEGER, SMALLINT</td></tr>
 *   <tr><td>numeric(p,s), p &le; 31</td><td>DECIMAL(p,s)</td></tr>
 *   <tr><td>float8, float4</td><td>DOUBLE, REAL (finite values only)</td></tr>
 *   <tr><td>bool</td><td>BOOLEAN</td></tr>
 *   <tr><td>varchar(n), bpchar(n), 2n &le; 32672</td><td>VARCHAR(2n) (Derby counts UTF-16 code
 *       units; char's text form has no padding)</td></tr>
 *   <tr><td>date, timestamp</td><td>DATE, TIMESTAMP</td></tr>
 *   <tr><td>timestamptz</td><td>TIMESTAMP holding UTC</td></tr>
 *   <tr><td>bytea</td><td>BLOB</td></tr>
 *   <tr><td>uuid</td><td>CHAR(36)</td></tr>
 *   <tr><td>time, timetz, interval, inet, cidr, macaddr, money, pg_lsn</td><td>VARCHAR text form</td></tr>
 *   <tr><td>anything else: text, json, arrays, enums, ranges, numeric beyond DECIMAL, ...</td>
 *       <td>CLOB text form (VARCHAR(32672) in a key)</td></tr>
 * </table>
 *
 * <p>The preflight fails for LOB columns in a key, unusable names, tables whose Derby name starts
 * with {@value #RESERVED_TABLE_PREFIX} (the replica's own metadata tables), and columns of a table
 * without a primary key that would clash with its {@link ReplicaTable#ROW_NUMBER_COLUMN row number}.
 */
public final class DerbyTypes {
    /** Prefix of the replica's own tables; a synced table whose Derby name has it is rejected. */
    public static final String RESERVED_TABLE_PREFIX = "OUTPOST_";

    /** Derby's default schema: the home schema's tables and the replica's own tables live there. */
    static final String DEFAULT_SCHEMA = "APP";

    /** Derby's longest VARCHAR. */
    public static final int MAX_VARCHAR = 32672;

    /** Derby's largest DECIMAL precision. */
    public static final int MAX_PRECISION = 31;

    /** VARCHAR length for short text forms (network addresses, money, LSNs); intervals get twice it. */
    static final int SHORT_TEXT_FORM = 64;

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
            checkTableName(t, catalogNames, problems);
            List<String> pk = t.primaryKey() == null ? List.of() : t.primaryKey();
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
                if (nameProblem == null
                        && pk.isEmpty()
                        && Identifiers.catalogName(c.name())
                                .equals(Identifiers.catalogName(ReplicaTable.ROW_NUMBER_COLUMN))) {
                    nameProblem = "the name is reserved for the row number of a table without a primary key";
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
                tables.add(new ReplicaTable(
                        t.name(),
                        t.schema(),
                        t.fingerprint(),
                        columns,
                        pk,
                        uniques,
                        t.shape(),
                        t.followed() && t.shape() != null && !pk.isEmpty()));
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
     * Maps one column. Types without a Derby equivalent keep PostgreSQL's text form ({@code
     * value::text}), which PostgreSQL's input function reads back unchanged.
     *
     * @param inKey whether the column is part of the primary key or a unique constraint
     * @throws IllegalArgumentException saying why the column cannot be replicated
     */
    public static ReplicaColumn column(ColumnSchema c, boolean inKey) {
        String type = c.type() == null ? "" : c.type().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            throw new IllegalArgumentException("the column has no type");
        }
        // PostgreSQL counts characters, Derby UTF-16 code units: a character outside the BMP takes two
        Integer length = c.length() == null ? null : c.length() * 2;
        Mapping m =
                switch (type) {
                    case "int8" -> Mapping.of(ColumnKind.BIGINT);
                    case "int4" -> Mapping.of(ColumnKind.INTEGER);
                    case "int2" -> Mapping.of(ColumnKind.SMALLINT);
                    case "numeric" -> c.precision() != null && c.precision() <= MAX_PRECISION
                            ? Mapping.of(ColumnKind.DECIMAL)
                            : text(null, inKey);
                    case "float8" -> Mapping.of(ColumnKind.DOUBLE);
                    case "float4" -> Mapping.of(ColumnKind.REAL);
                    case "bool" -> Mapping.of(ColumnKind.BOOLEAN);
                        // char(n) as its text form, which drops the padding (Derby's CHAR would pad again)
                    case "varchar", "bpchar" -> text(length, inKey);
                    case "date" -> Mapping.of(ColumnKind.DATE);
                    case "timestamp" -> Mapping.of(ColumnKind.TIMESTAMP);
                    case "timestamptz" -> Mapping.of(ColumnKind.TIMESTAMP_UTC);
                    case "bytea" -> new Mapping(ColumnKind.BLOB, ColumnKind.LOB_LENGTH);
                    case "uuid" -> new Mapping(ColumnKind.UUID, 36);
                        // Derby's TIME has no fractions of a second: the text form keeps them
                    case "time" -> text(15, inKey);
                    case "timetz" -> text(24, inKey);
                    case "interval" -> text(SHORT_TEXT_FORM * 2, inKey);
                    case "inet", "cidr", "macaddr", "macaddr8", "money", "pg_lsn" -> text(SHORT_TEXT_FORM, inKey);
                        // arrays, enums, ranges, json, jsonb, xml, tsvector, bit, varbit, numeric beyond
                        // DECIMAL, composite and extension types: PostgreSQL's text form
                    default -> text(null, inKey);
                };
        if (inKey && m.kind().isLob()) {
            throw new IllegalArgumentException(type + " cannot be part of a primary key or unique constraint in Derby");
        }
        int precision = 0;
        int scale = 0;
        if (m.kind() == ColumnKind.DECIMAL) {
            precision = c.precision();
            scale = c.scale() == null ? 0 : c.scale();
        }
        return new ReplicaColumn(c.name(), type, m.kind(), m.length(), precision, scale, c.nullable());
    }

    /** A Derby type and its length (0 when it has none). */
    private record Mapping(ColumnKind kind, int length) {
        static Mapping of(ColumnKind kind) {
            return new Mapping(kind, 0);
        }
    }

    /** VARCHAR when it fits (or is a key column, limited to the longest VARCHAR), else CLOB. */
    private static Mapping text(Integer length, boolean inKey) {
        if (length != null && length <= MAX_VARCHAR) {
            return new Mapping(ColumnKind.VARCHAR, length);
        }
        return inKey
                ? new Mapping(ColumnKind.VARCHAR, MAX_VARCHAR)
                : new Mapping(ColumnKind.CLOB, ColumnKind.LOB_LENGTH);
    }

    /**
     * A table of the home schema goes to Derby's default schema, where the replica's own tables are;
     * a table of another schema to a Derby schema of that name, which must not be one of Derby's own.
     */
    private static void checkTableName(TableSchema t, Set<String> catalogNames, List<String> problems) {
        String table = t.tableName();
        String nameProblem = Identifiers.problem(table);
        if (nameProblem == null && t.schema() != null) {
            nameProblem = schemaProblem(t.schema());
        }
        if (nameProblem != null) {
            problems.add(t.name() + ": " + nameProblem);
            return;
        }
        String catalog = Identifiers.catalogName(table);
        String schema = t.schema() == null ? DEFAULT_SCHEMA : Identifiers.catalogName(t.schema());
        if (t.schema() == null && catalog.toUpperCase(Locale.ROOT).startsWith(RESERVED_TABLE_PREFIX)) {
            problems.add(t.name() + ": names starting with " + RESERVED_TABLE_PREFIX.toLowerCase(Locale.ROOT)
                    + " are reserved for the replica's own tables");
        } else if (!catalogNames.add(schema + '\0' + catalog)) {
            problems.add(t.name() + ": another table has the same name in Derby");
        }
    }

    private static String schemaProblem(String schema) {
        String problem = Identifiers.problem(schema);
        if (problem != null) {
            return "schema " + schema + ": " + problem;
        }
        String catalog = Identifiers.catalogName(schema);
        if (catalog.startsWith("SYS") || catalog.equals("NULLID") || catalog.equals("SQLJ")) {
            return "schema " + schema + " would be Derby's system schema " + catalog;
        }
        if (catalog.equals(DEFAULT_SCHEMA)) {
            return "schema " + schema + " would be Derby's default schema " + DEFAULT_SCHEMA
                    + ", which holds the home schema's tables";
        }
        return null;
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
