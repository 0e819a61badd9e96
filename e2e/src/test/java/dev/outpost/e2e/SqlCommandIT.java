package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code outpost sql} as a process on a replica synced from the WAR on Payara Micro: CSV and JSON read
 * back equal PostgreSQL's rows, a result of 160,000 rows prints in a 32 MB heap in every format, and a
 * mistake in the query exits 7 with Derby's message and the hint for the PostgreSQL habit in it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SqlCommandIT {
    private static final String TOKEN = "e2e-sql-token";
    /** 4 companies of 100 users: the users crossed with themselves are 160,000 rows. */
    private static final int USERS = 400;

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private String replica;

    @BeforeAll
    void startServerAndSync() throws Exception {
        stack = OutpostStack.start("sqlcli", TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 4, USERS / 4);
        });
        replica = stack.work().resolve("sql").toString();
        String url = stack.server().baseUri().toString();
        Cli.Run sync = Cli.run(runDir, "sync", "--server", url, "--token", TOKEN, "--replica", replica);
        assertEquals(0, sync.exit(), sync.toString());
    }

    @AfterAll
    void stopServer() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void csvReadBackEqualsPostgresRowsWithQuotesLineBreaksNullsAndBinary() throws Exception {
        Cli.Run users = sql("--format", "csv", "select id, email, display_name, active, avatar from users order by id");
        assertEquals(0, users.exit(), users.toString());
        assertTrue(users.out().startsWith("ID,EMAIL,DISPLAY_NAME,ACTIVE,AVATAR\r\n"), users.toString());
        List<CSVRecord> records = csv(users.out());
        try (Connection pg = stack.connect();
                Statement s = pg.createStatement();
                ResultSet rs =
                        s.executeQuery("select id, email, display_name, active, avatar from users order by id")) {
            int i = 0;
            while (rs.next()) {
                CSVRecord r = records.get(i++);
                assertEquals(rs.getLong(1), Long.parseLong(r.get("ID")));
                assertEquals(rs.getString(2), r.get("EMAIL"));
                assertEquals(rs.getString(3) == null ? "" : rs.getString(3), r.get("DISPLAY_NAME"), "NULL is empty");
                assertEquals(Boolean.toString(rs.getBoolean(4)), r.get("ACTIVE"));
                byte[] avatar = rs.getBytes(5);
                assertArrayEquals(
                        avatar, avatar == null ? null : Base64.getDecoder().decode(r.get("AVATAR")));
            }
            assertEquals(USERS, i);
            assertEquals(i, records.size());
        }

        Cli.Run workspaces = sql("--format", "CSV", "select id, name, description from workspaces order by id");
        assertEquals(0, workspaces.exit(), workspaces.toString());
        assertTrue(workspaces.out().contains(",\"line one\nline two \"\"quoted\"\"\"\r\n"), workspaces.toString());
        List<CSVRecord> read = csv(workspaces.out());
        try (Connection pg = stack.connect();
                Statement s = pg.createStatement();
                ResultSet rs = s.executeQuery("select id, name, description from workspaces order by id")) {
            int i = 0;
            while (rs.next()) {
                CSVRecord r = read.get(i++);
                assertEquals(
                        List.of(rs.getString(1), rs.getString(2), rs.getString(3) == null ? "" : rs.getString(3)),
                        r.toList());
            }
            assertEquals(i, read.size());
        }
    }

    @Test
    void jsonReadBackEqualsPostgresRowsWithNumbersBooleansNullsAndBase64() throws Exception {
        Cli.Run run = sql(
                "--format",
                "json",
                "select u.id, u.email, u.display_name, u.active, u.avatar, c.credit_limit"
                        + " from users u join companies c on c.id = u.company_id order by u.id");
        assertEquals(0, run.exit(), run.toString());
        JsonArray rows = parseArray(run.out());
        try (Connection pg = stack.connect();
                Statement s = pg.createStatement();
                ResultSet rs = s.executeQuery("select u.id, u.email, u.display_name, u.active, u.avatar, c.credit_limit"
                        + " from users u join companies c on c.id = u.company_id order by u.id")) {
            int i = 0;
            while (rs.next()) {
                JsonObject row = rows.getJsonObject(i++);
                assertEquals(
                        List.of("ID", "EMAIL", "DISPLAY_NAME", "ACTIVE", "AVATAR", "CREDIT_LIMIT"),
                        List.copyOf(row.keySet()));
                assertEquals(rs.getLong(1), row.getJsonNumber("ID").longValueExact());
                assertEquals(rs.getString(2), row.getString("EMAIL"));
                assertEquals(rs.getString(3), row.isNull("DISPLAY_NAME") ? null : row.getString("DISPLAY_NAME"));
                assertEquals(rs.getBoolean(4) ? JsonValue.TRUE : JsonValue.FALSE, row.get("ACTIVE"));
                byte[] avatar = rs.getBytes(5);
                assertArrayEquals(
                        avatar,
                        row.isNull("AVATAR") ? null : Base64.getDecoder().decode(row.getString("AVATAR")));
                BigDecimal limit = rs.getBigDecimal(6);
                if (limit == null) {
                    assertTrue(row.isNull("CREDIT_LIMIT"), row.toString());
                } else {
                    assertEquals(
                            0, limit.compareTo(row.getJsonNumber("CREDIT_LIMIT").bigDecimalValue()), row.toString());
                }
            }
            assertEquals(USERS, i);
            assertEquals(i, rows.size());
        }
    }

    @Test
    void aLargeResultStreamsInASmallHeapInEveryFormat() throws Exception {
        String cross = "select a.id, a.email, b.email, b.display_name from users a, users b";
        long rows = (long) USERS * USERS;
        List<String> smallHeap = List.of("-Xmx32m");

        Cli.Run table = Cli.runWithJvmOptions(runDir, smallHeap, "sql", "--replica", replica, cross);
        assertEquals(0, table.exit(), table.err());
        assertEquals(rows + 3, table.out().lines().count(), "header, rule, rows and the count");
        assertTrue(table.out().endsWith("(" + rows + " rows)\n"), table.err());

        Cli.Run csv = Cli.runWithJvmOptions(runDir, smallHeap, "sql", "--replica", replica, "--format", "csv", cross);
        assertEquals(0, csv.exit(), csv.err());
        assertEquals(rows, csv(csv.out()).size());

        Cli.Run json = Cli.runWithJvmOptions(runDir, smallHeap, "sql", "--replica", replica, "--format", "json", cross);
        assertEquals(0, json.exit(), json.err());
        JsonArray array = parseArray(json.out());
        assertEquals(rows, array.size());
        assertEquals(
                List.of("ID", "EMAIL", "EMAIL_2", "DISPLAY_NAME"),
                List.copyOf(array.getJsonObject(0).keySet()));
    }

    @Test
    void aMistakeInTheQueryExitsSevenWithDerbysMessageAndNoHintWhenNoHabitIsSeen() throws Exception {
        Cli.Run typo = sql("select id from userz");
        assertEquals(7, typo.exit(), typo.toString());
        assertEquals("", typo.out());
        assertEquals(List.of("outpost: query failed: Table/View 'USERZ' does not exist."), errLines(typo));

        Cli.Run notAQuery = sql("selct id from users");
        assertEquals(2, notAQuery.exit(), "a statement that is no query is a usage error: " + notAQuery);
    }

    @Test
    void eachPostgresHabitGetsItsHintAndTheHintedQueryRuns() throws Exception {
        assertHint(
                "select id from users order by id limit 3",
                "Derby has no LIMIT: write FETCH FIRST 3 ROWS ONLY (after OFFSET m ROWS to skip m rows)");
        assertHint(
                "select id from users order by id limit 3 offset 2",
                "Derby has no LIMIT: write OFFSET 2 ROWS FETCH FIRST 3 ROWS ONLY");
        assertHint("select id from users order by id offset 2", "Derby writes OFFSET 2 ROWS");
        assertHint(
                "select id from users where email ilike 'USER1@%'",
                "Derby has no ILIKE: write LOWER(x) LIKE LOWER('pattern')");
        assertHint("select id::bigint from users", "Derby has no :: casts: write CAST(x AS bigint) for x::bigint");
        assertHint("select now() from users", "Derby has no now(): write CURRENT_TIMESTAMP");
        assertHint(
                "select id from \"users\"",
                "Derby upper-cases unquoted names, and the replica's tables and columns are stored so: write users"
                        + " without double quotes (a quoted \"users\" is another name; a string takes single quotes)");

        Cli.Run fetchFirst =
                sql("--format", "csv", "select id from users order by id offset 2 rows fetch first 3 rows only");
        assertEquals(0, fetchFirst.exit(), fetchFirst.toString());
        assertEquals(3, csv(fetchFirst.out()).size());
        Cli.Run lower = sql("--format", "csv", "select id from users where lower(email) like lower('USER1@%')");
        assertEquals(0, lower.exit(), lower.toString());
        assertEquals(4, csv(lower.out()).size(), "user1 of each company");
    }

    private void assertHint(String query, String hint) throws Exception {
        Cli.Run run = sql(query);
        assertEquals(7, run.exit(), run.toString());
        assertEquals("", run.out());
        List<String> err = errLines(run);
        assertEquals(2, err.size(), run.toString());
        assertTrue(err.get(0).startsWith("outpost: query failed: "), run.toString());
        assertEquals("hint: " + hint, err.get(1));
    }

    private Cli.Run sql(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("sql", "--replica", replica));
        all.addAll(List.of(args));
        return Cli.run(runDir, all.toArray(String[]::new));
    }

    /** What the command printed on stderr but the log lines of its libraries. */
    private static List<String> errLines(Cli.Run run) {
        return run.err()
                .lines()
                .filter(l -> l.startsWith("outpost:") || l.startsWith("hint:"))
                .toList();
    }

    private static List<CSVRecord> csv(String text) throws Exception {
        try (CSVParser parser = CSVParser.parse(
                text,
                CSVFormat.RFC4180
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            return parser.getRecords();
        }
    }

    private static JsonArray parseArray(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readArray();
        }
    }
}
