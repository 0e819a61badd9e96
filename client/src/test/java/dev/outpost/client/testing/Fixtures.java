package dev.outpost.client.testing;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** Test fixtures from {@code src/test/resources/fixtures/} and Derby helpers. */
public final class Fixtures {
    private Fixtures() {}

    /** The fixture schema with several tables and every supported type. */
    public static SchemaInfo schema() {
        try (Jsonb jsonb = JsonbBuilder.create();
                InputStream in = Fixtures.class.getResourceAsStream("/fixtures/schema.json")) {
            return jsonb.fromJson(in, SchemaInfo.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code schema} where {@code table}'s definition changed (new fingerprints), as in release {@code tag}. */
    public static SchemaInfo changed(SchemaInfo schema, String table, String tag) {
        List<TableSchema> tables = schema.tables().stream()
                .map(t -> t.name().equals(table)
                        ? new TableSchema(
                                t.name(),
                                t.schema(),
                                t.columns(),
                                t.primaryKey(),
                                t.uniqueConstraints(),
                                t.foreignKeys(),
                                t.fingerprint() + "@" + tag,
                                t.shape() == null ? null : t.shape() + "@" + tag,
                                t.followed())
                        : t)
                .toList();
        return new SchemaInfo(schema.fingerprint() + "+" + table + "@" + tag, tables);
    }

    /** {@code schema} where {@code table.column} has the PostgreSQL type {@code type}. */
    public static SchemaInfo withColumnType(SchemaInfo schema, String table, String column, String type) {
        List<TableSchema> tables = schema.tables().stream()
                .map(t -> !t.name().equals(table)
                        ? t
                        : new TableSchema(
                                t.name(),
                                t.schema(),
                                t.columns().stream()
                                        .map(c -> c.name().equals(column)
                                                ? new ColumnSchema(c.name(), type, null, null, null, c.nullable())
                                                : c)
                                        .toList(),
                                t.primaryKey(),
                                t.uniqueConstraints(),
                                t.foreignKeys(),
                                t.fingerprint() + "+" + type,
                                t.shape() == null ? null : t.shape() + "+" + type,
                                t.followed()))
                .toList();
        return new SchemaInfo(schema.fingerprint() + "+" + type, tables);
    }

    /**
     * {@code schema} (as {@link #followed} makes it) where {@code table} gained a nullable
     * {@code varchar(40)} column {@code column} after its others, as in release {@code tag}.
     */
    public static SchemaInfo withAddedColumn(SchemaInfo schema, String table, String column, String tag) {
        List<TableSchema> tables = schema.tables().stream()
                .map(t -> !t.name().equals(table)
                        ? t
                        : new TableSchema(
                                t.name(),
                                t.schema(),
                                java.util.stream.Stream.concat(
                                                t.columns().stream(),
                                                java.util.stream.Stream.of(
                                                        new ColumnSchema(column, "varchar", 40, null, null, true)))
                                        .toList(),
                                t.primaryKey(),
                                t.uniqueConstraints(),
                                t.foreignKeys(),
                                t.fingerprint() + "@" + tag,
                                shape(t.name(), t.fingerprint() + "@" + tag),
                                t.followed()))
                .toList();
        return new SchemaInfo(schema.fingerprint() + "+" + table + "@" + tag, tables);
    }

    /** A source of {@code schema} running a change feed, with three {@code categories} rows (1 to 3). */
    public static InMemorySource categories(SchemaInfo schema) {
        return new InMemorySource("v1", schema)
                .rows(
                        "categories",
                        List.of(new String[] {"1", "3", "child"}, new String[] {"2", null, "root"}, new String[] {
                            "3", "2", "middle"
                        }))
                .withFeed();
    }

    /** The rows {@code sql} reads from the replica, each as its values joined by {@code |}. */
    public static List<String> rows(dev.outpost.client.OutpostReplica replica, String sql) throws SQLException {
        List<String> rows = new java.util.ArrayList<>();
        try (java.sql.Connection c = replica.openConnection();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getObject(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    /** {@code schema} as a server running the change feed sends it: tables with a key are followed. */
    public static SchemaInfo followed(SchemaInfo schema) {
        List<TableSchema> tables = schema.tables().stream()
                .map(t -> new TableSchema(
                        t.name(),
                        t.schema(),
                        t.columns(),
                        t.primaryKey(),
                        t.uniqueConstraints(),
                        t.foreignKeys(),
                        t.fingerprint(),
                        shape(t.name(), t.fingerprint()),
                        !t.primaryKey().isEmpty()))
                .toList();
        return new SchemaInfo(schema.fingerprint(), tables);
    }

    /** {@code schema} where {@code table} is snapshot-only: not followed by the change feed. */
    public static SchemaInfo snapshotOnly(SchemaInfo schema, String table) {
        List<TableSchema> tables = schema.tables().stream()
                .map(t -> !t.name().equals(table)
                        ? t
                        : new TableSchema(
                                t.name(),
                                t.schema(),
                                t.columns(),
                                t.primaryKey(),
                                t.uniqueConstraints(),
                                t.foreignKeys(),
                                t.fingerprint(),
                                null,
                                false))
                .toList();
        return new SchemaInfo(schema.fingerprint(), tables);
    }

    /**
     * {@code schema} with one more table, {@code readings}, which has no primary key: the replica
     * numbers its rows itself, and the change feed does not follow it.
     */
    public static SchemaInfo withKeylessTable(SchemaInfo schema) {
        List<TableSchema> tables = new java.util.ArrayList<>(schema.tables());
        tables.add(new TableSchema(
                "readings",
                null,
                List.of(
                        new ColumnSchema("sensor", "varchar", 20, null, null, false),
                        new ColumnSchema("value", "int4", null, null, null, true)),
                List.of(),
                List.of(),
                List.of(),
                "readings-fp",
                null,
                false));
        return new SchemaInfo(schema.fingerprint() + "+readings", tables);
    }

    /** The row shape {@link #followed} gives a table with this fingerprint. */
    public static String shape(String table, String fingerprint) {
        return table + "-shape-" + fingerprint;
    }

    /** A {@code users} row of the fixture schema with this id, e-mail and two timestamps. */
    public static String[] user(String id, String email, String updatedAt, String createdAt) {
        return new String[] {
            id,
            email,
            "AB",
            "3",
            "10",
            "12.50",
            "1.5",
            "0.25",
            "true",
            "1990-05-17",
            "07:30:00",
            updatedAt,
            createdAt,
            null,
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd38000" + id,
            null,
            null
        };
    }

    /** Shuts an embedded Derby database down (Derby signals success with SQLState 08006). */
    public static void shutdown(Path db) {
        try {
            DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState())) {
                throw new IllegalStateException(e);
            }
        }
    }
}
