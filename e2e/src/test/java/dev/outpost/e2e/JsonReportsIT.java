package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.internal.http.SyncHttpClient;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code sync}, {@code status} and {@code verify} with {@code --json} as processes against the WAR on
 * Payara Micro: standard output is one JSON object per line and nothing else, each field equal to what
 * PostgreSQL holds, with the exit codes of the text output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JsonReportsIT {
    private static final String TOKEN = "e2e-json-token";
    private static final Duration CONVERGE = Duration.ofSeconds(90);

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private String url;
    private Path replica;

    @BeforeAll
    void startServer() throws Exception {
        stack = OutpostStack.start("jsoncli", TOKEN, c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 3, 30);
        });
        url = stack.server().baseUri().toString();
        replica = stack.work().resolve("json").toAbsolutePath().normalize();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void syncPrintsItsResultAsOneJsonObject() throws Exception {
        Cli.Run created = cli("sync", "--json");
        assertEquals(0, created.exit(), created.toString());
        JsonObject first = onlyLine(created);
        Map<String, Long> counts = postgresCounts();
        assertEquals(
                Set.of(
                        "event",
                        "outcome",
                        "previous_tag",
                        "new_tag",
                        "tables_rebuilt",
                        "tables_kept",
                        "tables_reloaded",
                        "rows",
                        "bytes",
                        "changes_applied",
                        "duration_ms",
                        "quarantined"),
                first.keySet());
        assertEquals("sync", first.getString("event"));
        assertEquals("CREATED", first.getString("outcome"));
        assertTrue(first.isNull("previous_tag"), first.toString());
        assertEquals("1.0", first.getString("new_tag"));
        assertEquals(counts.keySet(), strings(first.getJsonArray("tables_rebuilt")));
        assertEquals(Set.of(), strings(first.getJsonArray("tables_kept")));
        assertEquals(Set.of(), strings(first.getJsonArray("tables_reloaded")));
        assertEquals(
                counts.values().stream().mapToLong(Long::longValue).sum(),
                first.getJsonNumber("rows").longValue());
        assertTrue(first.getJsonNumber("bytes").longValue() > 0, first.toString());
        assertTrue(first.getJsonNumber("duration_ms").longValue() >= 0, first.toString());
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, first.getJsonArray("quarantined"));

        JsonObject again = onlyLine(cli("sync", "--json"));
        assertEquals("UP_TO_DATE", again.getString("outcome"));
        assertEquals("1.0", again.getString("previous_tag"));
        assertEquals("1.0", again.getString("new_tag"));
    }

    @Test
    @Order(2)
    void statusPrintsTheReplicaNextToTheServerAsOneJsonObject() throws Exception {
        Cli.Run run = cli("status", "--json");
        assertEquals(0, run.exit(), run.toString());
        JsonObject status = onlyLine(run);
        assertTrue(status.getString("replica_id").matches("[0-9a-f-]{36}"), status.toString());
        assertEquals(replica.toString(), status.getString("directory"));
        JsonObject local = status.getJsonObject("local");
        assertEquals("1.0", local.getString("tag"));
        assertTrue(local.getString("synced_at").endsWith("Z"), local.toString());
        Map<String, Long> tables = new TreeMap<>();
        for (JsonObject t : local.getJsonArray("tables").getValuesAs(JsonObject.class)) {
            tables.put(t.getString("name"), t.getJsonNumber("rows").longValue());
            assertFalse(t.getString("fingerprint").isEmpty(), t.toString());
        }
        assertEquals(postgresCounts(), tables);
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, status.getJsonArray("quarantined"));
        assertTrue(status.isNull("pending"), status.toString());
        JsonObject server = status.getJsonObject("server");
        assertEquals("1.0", server.getString("tag"));
        assertEquals(local.getString("schema_fingerprint"), server.getString("schema_fingerprint"));
        assertEquals(local.getString("latest_change_set"), server.getString("latest_change_set"));
        assertEquals(local.getString("database"), server.getString("database"));
        assertTrue(status.isNull("server_error"), status.toString());
        assertEquals(JsonValue.TRUE, status.get("up_to_date"));

        String nobody = "http://127.0.0.1:" + PayaraMicroServer.freePort() + "/outpost/";
        Cli.Run offline = Cli.run(
                runDir, "status", "--json", "--server", nobody, "--token", TOKEN, "--replica", replica.toString());
        assertEquals(3, offline.exit(), "server unreachable, as in text: " + offline);
        JsonObject unreachable = onlyLine(offline);
        assertEquals(local, unreachable.getJsonObject("local"));
        assertTrue(unreachable.isNull("server"), unreachable.toString());
        assertEquals(
                "SERVER_UNREACHABLE", unreachable.getJsonObject("server_error").getString("code"));
        assertEquals(JsonValue.FALSE, unreachable.get("up_to_date"));
    }

    @Test
    @Order(3)
    void verifyPrintsEachTablesComparisonAsOneJsonObject() throws Exception {
        Cli.Run run = cli("verify", "--json");
        assertEquals(0, run.exit(), run.toString());
        JsonObject verify = onlyLine(run);
        assertEquals(JsonValue.TRUE, verify.get("matches"));
        Map<String, Long> counts = postgresCounts();
        JsonArray tables = verify.getJsonArray("tables");
        assertEquals(counts.size(), tables.size());
        for (JsonObject t : tables.getValuesAs(JsonObject.class)) {
            long rows = counts.get(t.getString("name"));
            assertEquals(JsonValue.TRUE, t.get("matches"), t.toString());
            assertEquals(rows, t.getJsonNumber("server_rows").longValue(), t.toString());
            assertEquals(rows, t.getJsonNumber("replica_rows").longValue(), t.toString());
            assertEquals(t.getString("server_digest"), t.getString("replica_digest"));
            assertTrue(t.isNull("problem"), t.toString());
            assertEquals("equal", t.getString("difference"));
        }
        assertEquals(JsonValue.EMPTY_JSON_ARRAY, verify.getJsonArray("quarantined"));
    }

    @Test
    @Order(4)
    void liveSyncPrintsAJsonLinePerStepAndNothingElseOnStandardOutput() throws Exception {
        awaitFollowed();
        Cli.Started live = Cli.start(
                runDir, "sync", "--live", "--json", "--server", url, "--token", TOKEN, "--replica", replica.toString());
        try {
            await("the live sync starts", () -> live.errSoFar().contains("following the change feed"));
            try (Connection pg = stack.connect();
                    Statement s = pg.createStatement()) {
                s.executeUpdate("insert into companies (name, credit_limit, created_at) values ('Live', 1.50, now())");
            }
            await("the change is applied", () -> live.outSoFar().contains("{\"event\":\"changes_applied\""));
            List<JsonObject> lines =
                    live.outSoFar().lines().map(JsonReportsIT::parse).toList();
            assertEquals("sync", lines.get(0).getString("event"), live.outSoFar());
            JsonObject applied = lines.stream()
                    .filter(l -> l.getString("event").equals("changes_applied"))
                    .findFirst()
                    .orElseThrow();
            assertTrue(applied.getJsonNumber("changes").longValue() >= 1, applied.toString());
            assertTrue(applied.getJsonNumber("position").longValue() > 0, applied.toString());
        } finally {
            live.process().destroy();
            live.process().waitFor(60, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(5)
    void verifyOfADifferenceExitsSixWithTheDifferenceInJson() throws Exception {
        try (Connection pg = stack.connect();
                Statement s = pg.createStatement()) {
            s.executeUpdate("insert into users (company_id, email, active, created_at)"
                    + " select max(id), 'unsynced@example.org', true, now() from companies");
        }
        Cli.Run run = cli("verify", "--json");
        assertEquals(6, run.exit(), run.toString());
        JsonObject verify = onlyLine(run);
        assertEquals(JsonValue.FALSE, verify.get("matches"));
        JsonObject users = verify.getJsonArray("tables").getValuesAs(JsonObject.class).stream()
                .filter(t -> t.getString("name").equals("users"))
                .findFirst()
                .orElseThrow();
        long rows = postgresCounts().get("users");
        assertEquals(JsonValue.FALSE, users.get("matches"));
        assertEquals(rows, users.getJsonNumber("server_rows").longValue());
        assertEquals(rows - 1, users.getJsonNumber("replica_rows").longValue());
        assertEquals("server has " + rows + " rows, replica " + (rows - 1), users.getString("difference"));
    }

    private Cli.Run cli(String command, String... more) throws Exception {
        String[] args = new String[more.length + 7];
        args[0] = command;
        System.arraycopy(more, 0, args, 1, more.length);
        System.arraycopy(
                new String[] {"--server", url, "--token", TOKEN, "--replica", replica.toString()},
                0,
                args,
                more.length + 1,
                6);
        return Cli.run(runDir, args);
    }

    /** Standard output holds exactly one line, a JSON object. */
    private static JsonObject onlyLine(Cli.Run run) {
        List<String> lines = run.out().lines().toList();
        assertEquals(1, lines.size(), run.toString());
        assertTrue(run.out().endsWith("}\n"), run.toString());
        return parse(lines.get(0));
    }

    private static JsonObject parse(String line) {
        try (JsonReader reader = Json.createReader(new StringReader(line))) {
            return reader.readObject();
        }
    }

    private static Set<String> strings(JsonArray array) {
        Set<String> values = new HashSet<>();
        array.getValuesAs(JsonString.class).forEach(s -> values.add(s.getString()));
        return values;
    }

    /** Rows per synced table in PostgreSQL. */
    private Map<String, Long> postgresCounts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection pg = stack.connect();
                Statement s = pg.createStatement()) {
            for (String table : EndToEndIT.RELEASE_1_TABLES) {
                try (ResultSet rs = s.executeQuery("select count(*) from " + table)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    /** Waits until the server's change feed follows every table, so live mode applies changes from it. */
    private void awaitFollowed() throws Exception {
        try (SyncHttpClient http =
                new SyncHttpClient(stack.server().baseUri(), TOKEN, Duration.ofSeconds(10), Duration.ofSeconds(30))) {
            await("the feed follows every table", () -> http.schema().tables().stream()
                    .allMatch(TableSchema::followed));
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + CONVERGE);
            Thread.sleep(100);
        }
    }
}
