package dev.outpost.server.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.view.GrantCheck;
import dev.outpost.server.access.view.InvalidGrantException;
import dev.outpost.server.access.view.ScopedSchema;
import dev.outpost.server.capture.CaptureConnections;
import dev.outpost.server.capture.CaptureUnderTest;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.capture.ReplicaIdentity;
import dev.outpost.server.catalog.PostgresCatalogReader;
import dev.outpost.server.catalog.SyncScope;
import dev.outpost.server.metrics.ServerMetrics;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The change feed of a restricted scope against a real PostgreSQL with real capture: rows entering and
 * leaving a row filter become upserts and deletes, nothing of a row outside the filter or of an
 * ungranted table is sent, upserts carry the granted columns only, and transactions keep their last
 * marker.
 */
class ScopedFeedIT {
    private static final SyncScope SCOPE = SyncScope.homeOnly("public", Set.of());

    @Test
    void aFilteredFeedSendsRowsEnteringAndLeavingTheFilterAndNothingOfOtherRows() throws Exception {
        try (Connection admin = EmbeddedPostgresSession.scratchDatabase("scoped_feed")) {
            exec(
                    admin,
                    "create table accounts (id int primary key, region text, balance numeric(10,2), secret text,"
                            + " doc json)",
                    "create table plain (id int primary key, region text)",
                    "create table hidden (id int primary key, v text)",
                    "create table coded (n int, code text primary key)"); // a key that is not the first column
            Map<String, TableSchema> catalog = catalog(admin);
            ReplicaIdentity.requireFull(admin, SCOPE, catalog.get("accounts"));
            ReplicaIdentity.requireFull(admin, SCOPE, catalog.get("accounts")); // once is enough, twice is harmless
            ReplicaIdentity.requireFull(admin, SCOPE, catalog.get("coded"));
            assertEquals(Set.of("accounts", "coded"), ReplicaIdentity.fullTables(admin, SCOPE));

            String url = admin.getMetaData().getURL();
            CaptureUnderTest capture =
                    CaptureUnderTest.start(new CaptureConnections(url, "postgres", ""), SCOPE, p -> {}, 50, 1000);
            try {
                awaitCapturing(admin, capture);
                exec(
                        admin,
                        "insert into accounts values (1, 'north', 10, 's1', '{}')", // in: upsert
                        "insert into accounts values (2, 'south', 20, 's2', '{}')", // out: nothing
                        "update accounts set balance = 11 where id = 1", // in to in: upsert
                        "update accounts set balance = 21 where id = 2", // out to out: nothing
                        "update accounts set region = 'north' where id = 2", // enters: upsert
                        "update accounts set region = 'south' where id = 1", // leaves: delete
                        "delete from accounts where id = 2", // in: delete
                        "delete from accounts where id = 1", // out: nothing
                        "insert into accounts values (5, 'north', 1, 's5', '{}')",
                        "update accounts set id = 6 where id = 5", // key change in the filter: delete 5, upsert 6
                        "insert into accounts values (7, 'south', 1, 's7', '{}')",
                        "update accounts set id = 8 where id = 7", // key change outside: nothing
                        "insert into hidden values (1, 'h1')", // not granted: nothing
                        "begin",
                        "insert into accounts values (9, 'north', 1, 's9', '{}')",
                        "insert into accounts values (10, 'south', 1, 's10', '{}')", // the transaction's stored last
                        "commit",
                        "insert into plain values (1, 'north')", // identity DEFAULT: upsert
                        "update plain set region = 'south' where id = 1", // old row unknown: nothing
                        "delete from plain where id = 1", // old row unknown: nothing
                        "insert into coded values (1, 'in'), (-1, 'out')",
                        "delete from coded", // a stored delete's values are its key, never read as column n
                        "truncate accounts",
                        "insert into hidden values (99, 'end')");
                awaitStored(admin, "hidden", "99");
            } finally {
                capture.stop();
            }

            AccessScope scope = new AccessScope(
                    false,
                    Map.of(
                            "accounts",
                            new TableGrant(
                                    "accounts",
                                    Optional.of(List.of("id", "region", "balance")),
                                    Optional.of("region = :region and balance >= 0")),
                            "plain",
                            new TableGrant("plain", Optional.empty(), Optional.of("region in (:region)")),
                            "coded",
                            new TableGrant("coded", Optional.empty(), Optional.of("n > 0"))),
                    Map.of("region", List.of("north")));
            SchemaInfo schema = schema(admin);
            List<String[]> lines = read(admin, ScopedFeed.of(scope, schema));
            String[] end = lines.remove(lines.size() - 1);
            List<String> seen = new ArrayList<>();
            for (String[] line : lines) {
                seen.add(line[1] + " " + line[2] + " " + String.join(",", Arrays.copyOfRange(line, 5, line.length))
                        + ("1".equals(line[3]) ? " last" : ""));
            }
            assertEquals(
                    List.of(
                            "accounts U 1,north,10.00 last",
                            "accounts U 1,north,11.00 last",
                            "accounts U 2,north,21.00 last",
                            "accounts D 1 last",
                            "accounts D 2 last",
                            "accounts U 5,north,1.00 last",
                            "accounts D 5",
                            "accounts U 6,north,1.00 last",
                            "accounts U 9,north,1.00 last",
                            "plain U 1,north last",
                            "coded U 1,in last",
                            "coded D in last",
                            "accounts T  last"),
                    seen);
            assertEquals(Integer.toString(lines.size()), countOf(end), "the end marker counts what was sent");
            String accountsShape = ScopedSchema.of(schema, scope, Set.of("accounts")).tables().stream()
                    .filter(t -> t.name().equals("accounts"))
                    .findFirst()
                    .orElseThrow()
                    .shape();
            for (String[] line : lines) {
                if (line[1].equals("accounts")) {
                    assertEquals(accountsShape, line[4], "the granted view's row shape");
                }
                String text = String.join(",", line);
                for (String secret :
                        List.of("s1", "s2", "s5", "s7", "s9", "s10", "south", "hidden", "h1", "{}", "out", "-1")) {
                    assertFalse(Arrays.asList(line).contains(secret), secret + " leaked in " + text);
                }
                if (line.length > 5) {
                    assertFalse(List.of("7", "8", "10").contains(line[5]), "a key outside the filter: " + text);
                }
            }

            // the unrestricted feed is the stored log as it was
            List<String[]> all = read(admin, ScopedFeed.unrestricted());
            assertEquals(storedChanges(admin) + 1, all.size());
            // a scope granting nothing gets nothing, and still moves on to the newest position
            List<String[]> nothing = read(admin, ScopedFeed.of(new AccessScope(false, Map.of(), Map.of()), schema));
            assertEquals(1, nothing.size());
            assertEquals(all.get(all.size() - 1)[0], nothing.get(0)[0]);
        }
    }

    @Test
    void valuesThatDoNotFitTheirColumnsAreRefusedWhenTheGrantIsSaved() throws Exception {
        try (Connection admin = EmbeddedPostgresSession.scratchDatabase("grant_values")) {
            exec(admin, "create table accounts (id int primary key, region text, balance numeric(10,2), doc json)");
            TableSchema accounts = catalog(admin).get("accounts");
            Map<String, List<String>> attributes = Map.of("region", List.of("north"), "n", List.of("5"));
            GrantCheck.checkValues(
                    admin, SCOPE, filter("balance > :n and region in (:region, 'x')"), accounts, attributes);
            for (String bad : List.of("balance > 'many'", "balance = :region", "doc = '{}'", "id = 99999999999")) {
                InvalidGrantException e = assertThrows(
                        InvalidGrantException.class,
                        () -> GrantCheck.checkValues(admin, SCOPE, filter(bad), accounts, attributes),
                        bad);
                assertEquals(InvalidGrantException.ROW_FILTER, e.field(), bad);
            }
            // inside a transaction the check leaves it usable
            admin.setAutoCommit(false);
            assertThrows(
                    InvalidGrantException.class,
                    () -> GrantCheck.checkValues(admin, SCOPE, filter("balance > 'many'"), accounts, attributes));
            exec(admin, "select 1");
            admin.rollback();
            admin.setAutoCommit(true);
        }
    }

    private static TableGrant filter(String filter) {
        return new TableGrant("accounts", Optional.empty(), Optional.of(filter));
    }

    private static String countOf(String[] end) {
        return end[1];
    }

    /** The feed's lines after position 0: each change's fields, then the end marker as {@code [next, rows]}. */
    private static List<String[]> read(Connection admin, ScopedFeed feed) throws Exception {
        String url = admin.getMetaData().getURL();
        Connection connection = DriverManager.getConnection(url, "postgres", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChangePageOutput.start(connection, feed, 0, 100_000, (bounds, c) -> {}, () -> "tag", new ServerMetrics())
                .write(out);
        List<String[]> lines = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            RowLines.Line parsed = RowLines.parse(line);
            if (parsed instanceof RowLines.Row row) {
                lines.add(row.values());
            } else {
                RowLines.End e = (RowLines.End) parsed;
                lines.add(new String[] {e.next(), Long.toString(e.rows())});
            }
        }
        return lines;
    }

    private static long storedChanges(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from " + FeedTables.CHANGE_LOG)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<String, TableSchema> catalog(Connection c) throws SQLException {
        Map<String, TableSchema> tables = new java.util.HashMap<>();
        new PostgresCatalogReader(SCOPE).read(c).forEach(t -> tables.put(t.name(), t));
        return tables;
    }

    private static SchemaInfo schema(Connection c) throws SQLException {
        List<TableSchema> tables = new PostgresCatalogReader(SCOPE).read(c);
        return new SchemaInfo("now", tables);
    }

    private static void awaitCapturing(Connection admin, CaptureUnderTest capture) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!capture.capturing() || !published(admin)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("capture did not start");
            }
            Thread.sleep(20);
        }
    }

    private static boolean published(Connection admin) throws SQLException {
        try (Statement st = admin.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from pg_publication_tables where pubname = '"
                        + FeedTables.PUBLICATION + "'")) {
            rs.next();
            return rs.getInt(1) == 4;
        }
    }

    private static void awaitStored(Connection admin, String table, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (PreparedStatement ps = admin.prepareStatement(
                    "select 1 from " + FeedTables.CHANGE_LOG + " where table_name = ? and vals like ?")) {
                ps.setString(1, table);
                ps.setString(2, "[\"" + id + "\",%");
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the change of " + table + " " + id + " was not stored");
            }
            Thread.sleep(20);
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }
}
