package dev.outpost.server.schema;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the synced tables of one schema from {@code pg_catalog}. Domains are described by their base
 * type. Tables are returned sorted by name, columns in ordinal order.
 *
 * <p>Each table carries its {@link RowShape} (over the columns a change row carries: generated
 * columns excluded) and whether the change feed follows it: it is in the feed's publication, has a
 * primary key and has no generated column ({@code pgoutput} does not send generated columns, so their
 * changes could not carry full rows; such tables are snapshot-only).
 */
public final class PostgresCatalogReader {
    /** Liquibase's own tables are never synced. */
    public static final Set<String> LIQUIBASE_TABLES = Set.of("databasechangelog", "databasechangeloglock");

    private static final String TABLES =
            "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
                    + " where n.nspname = ? and c.relkind in ('r', 'p') and not c.relispartition"
                    + " order by c.relname";

    private static final String COLUMNS = "select c.relname, a.attname, coalesce(bt.typname, t.typname),"
            + " case when t.typtype = 'd' then t.typtypmod else a.atttypmod end,"
            + " a.attnotnull or t.typnotnull, a.atttypid::bigint, a.atttypmod, a.attgenerated <> ''"
            + " from pg_attribute a"
            + " join pg_class c on c.oid = a.attrelid"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " join pg_type t on t.oid = a.atttypid"
            + " left join pg_type bt on t.typtype = 'd' and bt.oid = t.typbasetype"
            + " where n.nspname = ? and c.relkind in ('r', 'p') and not c.relispartition"
            + " and a.attnum > 0 and not a.attisdropped"
            + " order by c.relname, a.attnum";

    private static final String CONSTRAINTS = "select c.relname, con.contype, con.conname,"
            + " array(select a.attname::text from unnest(con.conkey) with ordinality k(num, ord)"
            + "   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.num order by k.ord),"
            + " f.relname,"
            + " array(select a.attname::text from unnest(con.confkey) with ordinality k(num, ord)"
            + "   join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.num order by k.ord)"
            + " from pg_constraint con"
            + " join pg_class c on c.oid = con.conrelid"
            + " join pg_namespace n on n.oid = c.relnamespace"
            + " left join pg_class f on f.oid = con.confrelid"
            + " where n.nspname = ? and con.contype in ('p', 'u', 'f') and not c.relispartition"
            + " order by c.relname, con.conname";

    private static final String PUBLISHED =
            "select tablename from pg_publication_tables where pubname = ? and schemaname = ?";

    private final String schema;
    private final Set<String> only;
    private final String publication;

    /**
     * A reader for which no table is followed (capture is off, or only the definitions matter).
     *
     * @param schema the PostgreSQL schema
     * @param only table names to sync; empty for every table except Liquibase's
     */
    public PostgresCatalogReader(String schema, Set<String> only) {
        this(schema, only, null);
    }

    /**
     * @param schema the PostgreSQL schema
     * @param only table names to sync; empty for every table except Liquibase's
     * @param publication the change feed's publication, or {@code null} when capture is off: a table is
     *     {@link TableSchema#followed() followed} only when it is in this publication
     */
    public PostgresCatalogReader(String schema, Set<String> only, String publication) {
        this.schema = schema;
        this.only = only;
        this.publication = publication;
    }

    /** The synced tables, and which of them the change feed can follow. */
    public record Catalog(List<TableSchema> tables, Set<String> followable) {}

    public List<TableSchema> read(Connection connection) throws SQLException {
        return readCatalog(connection).tables();
    }

    /**
     * The synced tables and the names of those the feed can follow (a primary key, no generated
     * column), whether or not they are published yet.
     */
    public Catalog readCatalog(Connection connection) throws SQLException {
        Map<String, TableBuilder> tables = new LinkedHashMap<>();
        try (ResultSet rs = query(connection, TABLES)) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (only.isEmpty() ? !LIQUIBASE_TABLES.contains(name) : only.contains(name)) {
                    tables.put(name, new TableBuilder(name));
                }
            }
        }
        try (ResultSet rs = query(connection, COLUMNS)) {
            while (rs.next()) {
                TableBuilder table = tables.get(rs.getString(1));
                if (table != null) {
                    table.columns.add(column(rs.getString(2), rs.getString(3), rs.getInt(4), !rs.getBoolean(5)));
                    if (rs.getBoolean(8)) {
                        table.generated = true;
                    } else {
                        table.shape.add(new RowShape.Column(rs.getString(2), rs.getLong(6), rs.getInt(7)));
                    }
                }
            }
        }
        try (ResultSet rs = query(connection, CONSTRAINTS)) {
            while (rs.next()) {
                TableBuilder table = tables.get(rs.getString(1));
                if (table != null) {
                    table.addConstraint(
                            rs.getString(2),
                            rs.getString(3),
                            names(rs.getArray(4)),
                            rs.getString(5),
                            names(rs.getArray(6)));
                }
            }
        }
        Set<String> published = published(connection);
        Set<String> followable = new TreeSet<>();
        List<TableSchema> result = new ArrayList<>(tables.size());
        for (TableBuilder table : tables.values()) {
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
            ps.setString(2, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private ResultSet query(Connection connection, String sql) throws SQLException {
        PreparedStatement ps = connection.prepareStatement(sql);
        ps.closeOnCompletion();
        ps.setString(1, schema);
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
        private final List<ColumnSchema> columns = new ArrayList<>();
        private List<String> primaryKey = List.of();
        private final List<List<String>> uniques = new ArrayList<>();
        private final List<ForeignKeySchema> foreignKeys = new ArrayList<>();
        private final List<RowShape.Column> shape = new ArrayList<>();
        private boolean generated;

        TableBuilder(String name) {
            this.name = name;
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
