package dev.outpost.client.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HibernateSchemaBuilderTest {
    @TempDir
    static Path dir;

    static Path db;
    static Connection connection;

    @BeforeAll
    static void createTables() throws Exception {
        db = dir.resolve("db");
        String url = "jdbc:derby:" + db + ";create=true";
        connection = DriverManager.getConnection(url);
        HibernateSchemaBuilder.createTables(connection, DerbyTypes.preflight(Fixtures.schema()));
    }

    @AfterAll
    static void shutdown() throws Exception {
        connection.close();
        Fixtures.shutdown(db);
    }

    @Test
    void createsColumnsInPostgresOrderWithDerbyTypes() throws Exception {
        Map<String, String> columns = columns("USERS");
        assertEquals(
                List.of(
                        "ID",
                        "EMAIL",
                        "CODE",
                        "SMALL",
                        "VISITS",
                        "SCORE",
                        "RATIO",
                        "WEIGHT",
                        "ACTIVE",
                        "BORN",
                        "WAKES_AT",
                        "UPDATED_AT",
                        "CREATED_AT",
                        "AVATAR",
                        "EXTERNAL_ID",
                        "BIO",
                        "PROFILE"),
                new ArrayList<>(columns.keySet()));
        assertEquals("BIGINT", columns.get("ID"));
        assertEquals("VARCHAR(400)", columns.get("EMAIL"));
        assertEquals("VARCHAR(6)", columns.get("CODE"));
        assertEquals("SMALLINT", columns.get("SMALL"));
        assertEquals("INTEGER", columns.get("VISITS"));
        assertEquals("DECIMAL(10,2)", columns.get("SCORE"));
        assertEquals("DOUBLE", columns.get("RATIO"));
        assertEquals("REAL", columns.get("WEIGHT"));
        assertEquals("BOOLEAN", columns.get("ACTIVE"));
        assertEquals("DATE", columns.get("BORN"));
        assertEquals("VARCHAR(15)", columns.get("WAKES_AT"));
        assertEquals("TIMESTAMP", columns.get("UPDATED_AT"));
        assertEquals("TIMESTAMP", columns.get("CREATED_AT"));
        assertEquals("BLOB(2147483647)", columns.get("AVATAR"));
        assertEquals("CHAR(36)", columns.get("EXTERNAL_ID"));
        assertEquals("CLOB(2147483647)", columns.get("BIO"));
        assertEquals("CLOB(2147483647)", columns.get("PROFILE"));
    }

    @Test
    void createsPrimaryKeysIncludingCompositeOnes() throws Exception {
        assertEquals(List.of("ID"), primaryKey("USERS"));
        assertEquals(List.of("ORDER_ID", "LINE_NO"), primaryKey("ORDER_LINES"));
    }

    @Test
    void indexesTheServersUniqueColumnsWithoutEnforcingThem() throws Exception {
        assertEquals(Set.of(Set.of("EMAIL"), Set.of("EXTERNAL_ID")), indexesBesidesPk("USERS", false));
        assertEquals(Set.of(Set.of("ORDER_ID", "SKU")), indexesBesidesPk("ORDER_LINES", false));
        assertEquals(Set.of(), indexesBesidesPk("USERS", true), "only the primary key is unique");
    }

    @Test
    void createsNoForeignKeys() throws Exception {
        try (ResultSet rs = connection.getMetaData().getImportedKeys(null, null, "CATEGORIES")) {
            assertTrue(!rs.next());
        }
    }

    @Test
    void reservedAndMixedCaseNamesAreQuotedAndUsable() throws Exception {
        Map<String, String> columns = columns("user");
        assertEquals(List.of("ID", "order", "DisplayName"), new ArrayList<>(columns.keySet()));
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("insert into " + Identifiers.sql("user") + " (id, " + Identifiers.sql("order") + ", "
                    + Identifiers.sql("DisplayName") + ") values (1, 'o-1', 'Ann')");
            try (ResultSet rs = s.executeQuery("select \"order\", \"DisplayName\" from \"user\" where id = 1")) {
                assertTrue(rs.next());
                assertEquals("o-1", rs.getString(1));
                assertEquals("Ann", rs.getString(2));
            }
        }
    }

    private static Map<String, String> columns(String table) throws Exception {
        Map<String, String> result = new LinkedHashMap<>();
        try (ResultSet rs = connection.getMetaData().getColumns(null, null, table, "%")) {
            while (rs.next()) {
                String type = rs.getString("TYPE_NAME");
                int size = rs.getInt("COLUMN_SIZE");
                String shown =
                        switch (type) {
                            case "VARCHAR", "CHAR", "BLOB", "CLOB" -> type + "(" + size + ")";
                            case "DECIMAL" -> type + "(" + size + "," + rs.getInt("DECIMAL_DIGITS") + ")";
                            default -> type;
                        };
                result.put(rs.getString("COLUMN_NAME"), shown);
            }
        }
        return result;
    }

    private static List<String> primaryKey(String table) throws Exception {
        Map<Integer, String> key = new java.util.TreeMap<>();
        try (ResultSet rs = connection.getMetaData().getPrimaryKeys(null, null, table)) {
            while (rs.next()) {
                key.put(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(key.values());
    }

    private static Set<Set<String>> indexesBesidesPk(String table, boolean uniqueOnly) throws Exception {
        DatabaseMetaData md = connection.getMetaData();
        Map<String, Set<String>> byIndex = new LinkedHashMap<>();
        try (ResultSet rs = md.getIndexInfo(null, null, table, uniqueOnly, false)) {
            while (rs.next()) {
                byIndex.computeIfAbsent(rs.getString("INDEX_NAME"), k -> new TreeSet<>())
                        .add(rs.getString("COLUMN_NAME"));
            }
        }
        Set<String> pk = new TreeSet<>(primaryKey(table));
        Set<Set<String>> result = new java.util.HashSet<>();
        byIndex.values().stream().filter(cols -> !cols.equals(pk)).forEach(cols -> result.add(Set.copyOf(cols)));
        return result;
    }
}
