package dev.outpost.server.catalog;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.ForeignKeySchema;
import dev.outpost.protocol.TableSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads the synced tables of a {@link SyncScope} from {@code pg_catalog}. Domains are described by
 * their base type. Tables are returned sorted by protocol name, columns in ordinal order. Two tables
 * whose protocol names would be equal ({@code "a.b"} of the home schema and {@code b} of schema {@code
 * a}) are refused with an error naming both.
 *
 * <p>Each table carries its {@link RowShape} (over the columns a change row carries: generated
 * columns excluded) and whether the change feed follows it: it is in the feed's publication, has a
 * primary key and has no generated column ({@code pgoutput} does not send generated columns, so their
 * changes could not carry full rows; such tables are snapshot-only).
 */
public final class PostgresCatalogReader {
    private static final String TABLES =
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                    + " where n.nspname = any(?) and c.relkind in ('r', 'p') and not c.relispartition";

    private static final String COLUMNS = "select n.nspname, c.relname, a.attname, coalesce(bt.typname, t.typname),"
            + " case when t.typtype = 'd' then t.typtypmod else a.atttypmod end,"
            + " a.attnotnull or t.typnotnull, a.atttypid::bigint, a.atttypmod, a.attgenerated <> ''"
            + " from pg_attribute a"
            + " join pg_class c on c.oid = a.attrelid"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " join pg_type t on t.oid = a.atttypid"
            + " left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype"
            + " where n.nspname = any(?) and c.relkind in ('r', 'p') and not c.relispartition"
            + " and a.attnum > 0 and not a.attisdropped"
            + " order by n.nspname, c.relname, a.attnum";

    private static final String CONSTRAINTS = "select n.nspname, c.relname, con.contype, con.conname,"
            + " array(select a.attname::text from unnest(con.conkey) with ordinality k(num, ord)"
            + "   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord),"
            + " fn.nspname, f.relname,"
            + " array(select a.attname::text from unnest(con.confkey) with ordinality k(num, ord)"
            + "   join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord)"
            + " from pg_constraint con"
            + " join pg_class c on c.oid = con.conrelid"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " left join pg_class f on f.oid = con.confrelid"
            + " left join pg_namespace fn on fn.oid = f.relnamespace"
            + " where n.nspname = any(?) and con.contype in ('p', 'u', 'f') and not c.relispartition"
            + " order by n.nspname, c.relname, con.conname";

    private static final String PUBLISHED = "select schemaname, tablename from pg_publication_tables where pubname = ?";

    private final SyncScope scope;
    private final String publication;

    /** A reader for which no table is followed (capture is off, or only the definitions matter). */
    public PostgresCatalogReader(SyncScope scope) {
        this(scope, null);
    }

    /**
     * @param publication the change feed's publication, or {@code null} when capture is off: a table is
     *     {@link TableSchema#followed() followed} only when it is in this publication
     */
    public PostgresCatalogReader(SyncScope scope, String publication) {
        this.scope = scope;
        this.publication = publication;
    }

    /** The synced tables, and which of them the change feed can follow. */
    public record Catalog(List<TableSchema> tables, Set<String> followable) {}

    public List<TableSchema> read(Connection connection) throws SQLException {
        return readCatalog(connection).tables();
    }

    /**
     * The synced table called {@code name} in the protocol, if there is one: the catalog read for the
     * tables that may carry that name alone, so that the cost of serving one table does not grow with
     * the number of tables.
     */
    public Optional<TableSchema> readTable(Connection connection, String name) throws SQLException {
        // "a.b" is table "a.b" of the home schema or table "b" of schema "a"
        List<String> relnames = new ArrayList<>(List.of(name));
        for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
            relnames.add(name.substring(dot + 1));
        }
        return read(connection, relnames).tables().stream()
                .filter(t -> t.name().equals(name))
                .findFirst();
    }

    /**
     * The synced tables and the names of those the feed can follow (a primary key, no generated
     * column), whether or not they are published yet.
     */
    public Catalog readCatalog(Connection connection) throws SQLException {
        return read(connection, null);
    }

    /** The catalog of the synced tables, of those named {@code relnames} in PostgreSQL if not null. */
    private Catalog read(Connection connection, List<String> relnames) throws SQLException {
        Map<List<String>, TableBuilder> tables = new HashMap<>();
        Map<String, TableBuilder> byName = new TreeMap<>();
        try (ResultSet rs = query(connection, TABLES, relnames)) {
            while (rs.next()) {
                String schema = rs.getString(1);
                String table = rs.getString(2);
                if (scope.includes(schema, table)) {
                    TableBuilder builder = new TableBuilder(scope.name(schema, table), scope.protocolSchema(schema));
                    TableBuilder clash = byName.put(builder.name, builder);
                    if (clash != null) {
                        throw new SQLException("two synced tables are both called '" + builder.name
                                + "' in the protocol (one is table \"" + table + "\" of schema \"" + schema
                                + "\"; a schema or table name contains a dot): rename one, or leave one out with "
                                + "outpost.tables");
                    }
                    tables.put(List.of(schema, table), builder);
                }
            }
        }
        try (ResultSet rs = query(connection, COLUMNS, relnames)) {
            while (rs.next()) {
                TableBuilder table = tables.get(List.of(rs.getString(1), rs.getString(2)));
                if (table != null) {
                    table.columns.add(column(rs.getString(3), rs.getString(4), rs.getInt(5), !rs.getBoolean(6)));
                    if (rs.getBoolean(9)) {
                        table.generated = true;
                    } else {
                        table.shape.add(new RowShape.Column(rs.getString(3), rs.getLong(7), rs.getInt(8)));
                    }
                }
            }
        }
        try (ResultSet rs = query(connection, CONSTRAINTS, relnames)) {
            while (rs.next()) {
                TableBuilder table = tables.get(List.of(rs.getString(1), rs.getString(2)));
                if (table != null) {
                    String referenced = rs.getString(7) == null ? null : scope.name(rs.getString(6), rs.getString(7));
                    table.addConstraint(
                            rs.getString(3), rs.getString(4), names(rs.getArray(5)), referenced, names(rs.getArray(8)));
                }
            }
        }
        Set<String> published = published(connection);
        Set<String> followable = new TreeSet<>();
        List<TableSchema> result = new ArrayList<>(tables.size());
        for (TableBuilder table : byName.values()) {
            boolean canFollow = !table.primaryKey.isEmpty() && !table.generated;
            if (canFollow) {
                followable.add(table.name);
            }
            result.add(table.build(canFollow && published.contains(table.name)));
        }
        return new Catalog(List.copyOf(result), Set.copyOf(followable));
    }

    private Set<String> published(Connection connection) throws SQLException {
        if (publication == null) {
            return Set.of();
        }
        Set<String> names = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(PUBLISHED)) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (scope.includes(rs.getString(1), rs.getString(2))) {
                        names.add(scope.name(rs.getString(1), rs.getString(2)));
                    }
                }
            }
        }
        return names;
    }

    /**
     * Runs one of the catalog queries for the scope's schemas; with {@code relnames}, for the tables
     * of those names only (a condition added to its {@code where} clause, before its last {@code order by}).
     */
    private ResultSet query(Connection connection, String sql, List<String> relnames) throws SQLException {
        if (relnames != null) {
            int orderBy = sql.lastIndexOf(" order by ");
            String only = " and c.relname = any(?)";
            sql = orderBy < 0 ? sql + only : sql.substring(0, orderBy) + only + sql.substring(orderBy);
        }
        PreparedStatement ps = connection.prepareStatement(sql);
        ps.closeOnCompletion();
        ps.setArray(1, connection.createArrayOf("text", scope.schemas().toArray()));
        if (relnames != null) {
            ps.setArray(2, connection.createArrayOf("text", relnames.toArray()));
        }
        return ps.executeQuery();
    }

    private static List<String> names(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    /** Decodes {@code atttypmod}: character length, or numeric precision and scale. */
    static ColumnSchema column(String name, String type, int typmod, boolean nullable) {
        Integer length = null;
        Integer precision = null;
        Integer scale = null;
        if (typmod >= 4 && (type.equals("varchar") || type.equals("bpchar"))) {
            length = typmod - 4;
        } else if (typmod >= 4 && type.equals("numeric")) {
            precision = ((typmod - 4) >> 16) & 0xffff;
            scale = (typmod - 4) & 0xffff;
        }
        return new ColumnSchema(name, type, length, precision, scale, nullable);
    }

    private static final class TableBuilder {
        private final String name;
        private final String schema;
        private final List<ColumnSchema> columns = new ArrayList<>();
        private List<String> primaryKey = List.of();
        private final List<List<String>> uniques = new ArrayList<>();
        private final List<ForeignKeySchema> foreignKeys = new ArrayList<>();
        private final List<RowShape.Column> shape = new ArrayList<>();
        private boolean generated;

        TableBuilder(String name, String schema) {
            this.name = name;
            this.schema = schema;
        }

        void addConstraint(String type, String conName, List<String> cols, String refTable, List<String> refCols) {
            switch (type) {
                case "p" -> primaryKey = cols;
                case "u" -> uniques.add(cols);
                case "f" -> foreignKeys.add(new ForeignKeySchema(conName, cols, refTable, refCols));
                default -> throw new IllegalArgumentException("constraint type " + type);
            }
        }

        TableSchema build(boolean followed) {
            String rowShape = RowShape.of(shape);
            List<String> parts = new ArrayList<>();
            parts.add(name);
            for (ColumnSchema c : columns) {
                parts.add("col " + c.name() + " " + c.type() + " " + c.length() + " " + c.precision() + " " + c.scale()
                        + " " + c.nullable());
            }
            parts.add("pk " + primaryKey);
            parts.add("shape " + rowShape); // type oids too: a domain swapped for another changes it
            uniques.forEach(u -> parts.add("uq " + u));
            foreignKeys.forEach(
                    f -> parts.add("fk " + f.columns() + " " + f.referencedTable() + " " + f.referencedColumns()));
            String fingerprint = Fingerprints.of(parts.toArray(String[]::new));
            return new TableSchema(
                    name,
                    schema,
                    List.copyOf(columns),
                    primaryKey,
                    List.copyOf(uniques),
                    List.copyOf(foreignKeys),
                    fingerprint,
                    rowShape,
                    followed);
        }
    }
}
