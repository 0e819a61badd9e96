package dev.outpost.client.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outpost.client.internal.schema.DerbyTypes;
import dev.outpost.client.internal.schema.HibernateSchemaBuilder;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.testing.Fixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kept table is copied between two Derby databases exactly, by either way {@link TableCopier} has
 * (batches for a small table, a table function for a large one): every column kind, NULLs, a time
 * that does not exist in the JVM's zone (02:30 on the day Berlin skips to 03:00), and a keyless
 * table's row numbers.
 */
class TableCopierTest {
    @TempDir
    Path dir;

    private TimeZone zoneBefore;

    @BeforeEach
    void runInBerlin() {
        zoneBefore = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
    }

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(zoneBefore);
    }

    @Test
    void copiesEveryValueExactlyEitherWay() throws Exception {
        Map<String, ReplicaTable> tables = DerbyTypes.preflight(Fixtures.withKeylessTable(Fixtures.schema())).stream()
                .collect(Collectors.toMap(ReplicaTable::name, Function.identity()));
        try (Connection source = database("source", tables);
                Connection batches = database("batches", tables);
                Connection function = database("function", tables);
                Statement st = source.createStatement()) {
            try (PreparedStatement users = source.prepareStatement("insert into users values (?, ?, 'AB', 3, 10,"
                    + " 12.50, 1.5, 0.25, ?, '1990-05-17', '07:30:00', ?, ?, CAST(X'00FF10' AS BLOB), ?,"
                    + " 'ünïcödé ✓', '{\"a\": 1}')")) {
                // set through a UTC calendar: the fields as written, in a zone where 02:30 exists
                Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
                users.setLong(1, 1);
                users.setString(2, "a@example.com");
                users.setBoolean(3, true);
                users.setTimestamp(4, utcTimestamp("2024-03-31T02:30:00.123456"), utc);
                users.setTimestamp(5, utcTimestamp("1970-01-01T00:00:00"), utc);
                users.setString(6, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380001");
                users.executeUpdate();
                users.setLong(1, 2);
                users.setString(2, "b@example.com");
                users.setBoolean(3, false);
                users.setNull(4, Types.TIMESTAMP);
                users.setTimestamp(5, utcTimestamp("2024-03-31T02:59:59.999999"), utc);
                users.setString(6, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380002");
                users.executeUpdate();
            }
            ReplicaTable readings = tables.get("readings");
            st.executeUpdate("insert into " + readings.sqlName() + " ("
                    + Identifiers.sql(readings.columns().get(0).name()) + ", "
                    + Identifiers.sql(readings.columns().get(1).name()) + ", "
                    + Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN)
                    + ") values ('s1', 5, 7), ('s1', 5, 8), ('s2', null, 9)");
            assertEquals(
                    true,
                    rows(source, tables.get("users")).get(0).contains("|2024-03-31 02:30:00.123456000|"),
                    "the time Berlin skips is stored as written: " + rows(source, tables.get("users")));
            for (ReplicaTable table : List.of(tables.get("users"), tables.get("readings"))) {
                assertEquals(rows(source, table).size(), TableCopier.copy(source, batches, table, 0));
                assertEquals(
                        rows(source, table).size(),
                        TableCopier.copy(source, function, table, TableCopier.FUNCTION_ROWS));
                function.commit();
                batches.commit();
                assertEquals(rows(source, table), rows(batches, table), table.name() + " by batches");
                assertEquals(rows(source, table), rows(function, table), table.name() + " by a table function");
            }
            source.commit();
            batches.commit();
            function.commit();
        }
    }

    private static Timestamp utcTimestamp(String localDateTime) {
        return Timestamp.from(LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC));
    }

    private Connection database(String name, Map<String, ReplicaTable> tables) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:derby:" + dir.resolve(name) + ";create=true");
        HibernateSchemaBuilder.createTables(c, new ArrayList<>(tables.values()));
        c.setAutoCommit(false);
        return c;
    }

    /**
     * Every row, each value as Derby's own text (timestamps by their fields, which no time zone
     * moves), in key order.
     */
    private static List<String> rows(Connection c, ReplicaTable table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select * from " + table.sqlName())) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object value = meta.getColumnType(i) == Types.TIMESTAMP
                            ? DerbyTimestamps.text(rs, i)
                            : meta.getColumnType(i) == Types.BLOB
                                    ? HexFormat.of().formatHex(rs.getBytes(i) == null ? new byte[0] : rs.getBytes(i))
                                    : rs.getString(i);
                    row.append(value).append('|');
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return rows;
    }
}
