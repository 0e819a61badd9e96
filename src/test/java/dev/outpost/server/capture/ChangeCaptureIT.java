package dev.outpost.server.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.TableSchema;
import dev.outpost.server.catalog.PostgresCatalogReader;
import dev.outpost.server.catalog.SyncScope;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.TestLiquibase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Capture against a real PostgreSQL with concurrent writers: the stored log, replayed, equals the
 * tables (in the text form of table pages); every transaction is stored once and whole, also across a
 * capturer restart mid-run; every change carries its table's row shape.
 */
class ChangeCaptureIT {
    private static final int WRITERS = 4;
    private static final int TRANSACTIONS_PER_WRITER = 250;

    @Test
    void concurrentWritesAreCapturedOnceInCommitOrderAcrossACapturerRestart() throws Exception {
        try (Connection admin = EmbeddedPostgresSession.scratchDatabase("capture_writers")) {
            TestLiquibase.update(admin, TestLiquibase.MASTER, null);
            String url = admin.getMetaData().getURL();
            CaptureConnections connections = new CaptureConnections(url, "postgres", "");
            AtomicLong stored = new AtomicLong();
            ChangeCapture first = start(connections, stored);
            // seeded after capture started, so that the log holds every row
            try (Statement st = admin.createStatement()) {
                st.execute(
                        "insert into companies (name, created_at) select 'seed ' || i, now() from generate_series(1, 20) i");
            }

            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int seed = w;
                writers.add(pool.submit(() -> write(url, seed)));
            }
            awaitStoredAtLeast(stored, 200);
            try (Statement st = admin.createStatement()) { // the database drops the capturer's sessions ...
                st.execute("select pg_terminate_backend(pid) from pg_stat_activity"
                        + " where application_name like 'outpost-capture%'");
            }
            awaitStoredAtLeast(stored, stored.get() + 200); // ... it reconnects and goes on
            first.stop(); // the capturing instance goes away mid-run ...
            Thread.sleep(300);
            ChangeCapture second = start(connections, stored); // ... and another one takes over
            for (Future<?> writer : writers) {
                writer.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            try (Statement st = admin.createStatement()) {
                st.execute("insert into companies (name, created_at) values ('the end', now())");
            }
            awaitMarker(admin);
            second.stop();

            ChangeLogReplay replay = new ChangeLogReplay(
                    Map.of("companies", new int[] {0}, "users", new int[] {0}, "data_table_columns", new int[] {0}));
            int changes = replay.replay(admin);
            System.out.println("ChangeCaptureIT: " + changes + " changes replayed");
            assertTrue(changes > WRITERS * TRANSACTIONS_PER_WRITER, "changes stored: " + changes);
            for (String table : List.of("companies", "users", "data_table_columns")) {
                replay.assertEqualsTable(admin, table);
            }
        }
    }

    @Test
    void changesCarryTheirTablesRowShapeAndTheTextFormsOfTablePages() throws Exception {
        try (Connection admin = EmbeddedPostgresSession.scratchDatabase("capture_forms")) {
            exec(
                    admin,
                    "create domain flag as boolean",
                    "create domain strict_flag as flag not null",
                    "create domain other_flag as boolean",
                    "create table forms (id int primary key, b boolean, f flag, sf strict_flag, host inet, net inet,"
                            + " host6 inet, block cidr, code char(5), flags boolean[], codes char(3)[], doc xml,"
                            + " amount numeric(8,2))",
                    "create table tagged (code char(6) primary key, ip inet, big text)",
                    "create table by_address (addr inet primary key, on_duty boolean)",
                    "create table with_generated (id int primary key, a int, twice int generated always as (a * 2) stored)",
                    "create table keyless (a int)");
            String url = admin.getMetaData().getURL();
            AtomicLong stored = new AtomicLong();
            ChangeCapture capture = start(new CaptureConnections(url, "postgres", ""), stored);
            try {
                Map<String, TableSchema> before = followedCatalog(admin);
                assertTrue(before.get("forms").followed());
                assertTrue(before.get("tagged").followed());
                assertFalse(before.get("with_generated").followed(), "a table with a generated column");
                assertFalse(before.get("keyless").followed(), "a table without a primary key");
                exec(
                        admin,
                        "insert into forms values (1, true, false, true, '10.0.0.1', '10.0.0.0/8', '::1', '10.1.0.0/16',"
                                + " 'ab', '{t,f}', '{\"x\",\"yz\"}', '<?xml version=\"1.0\"?><a/>', 1.5)",
                        "insert into forms values (2, false, true, false, '192.168.1.7/24', '::1/64', '2001:db8::5',"
                                + " '2001:db8::/32', 'abcde', '{}', '{}', '<b/>', 2)",
                        "insert into forms (id, sf) values (3, true)",
                        // what the log's bulk load must escape: tab, line end, backslash (also before N), quotes
                        "insert into forms (id, sf, doc) values (4, true,"
                                + " E'<a>tab\\there\\r\\nline \"quoted\" back\\\\slash \\\\N \\\\.</a>')",
                        "insert into tagged values ('ab', '10.0.0.9', (select string_agg(md5(i::text || random()::text),"
                                + " '') from generate_series(1, 400) i)), ('cd', '10.0.0.10', 'small')",
                        "update tagged set ip = '10.0.0.11' where code = 'ab'", // the TOASTed big is not sent
                        "delete from tagged where code = 'cd'",
                        "insert into by_address values ('10.9.9.9', true), ('10.9.9.8', false), ('::2', true)",
                        "delete from by_address where addr = '10.9.9.8'",
                        "update by_address set addr = '10.9.9.1' where addr = '10.9.9.9'", // a key change
                        "insert into with_generated (id, a) values (1, 2)",
                        "insert into keyless values (1)",
                        "insert into forms (id, sf) values (99, true)");
                long beforeAlter = awaitRow(admin, "forms", "99");
                exec(
                        admin,
                        "alter table forms add column extra int",
                        "alter table forms alter column f type other_flag", // the same base type, another type oid
                        "update forms set extra = id, b = not b",
                        "insert into forms (id, sf, extra) values (100, false, 100)");
                awaitRow(admin, "forms", "100");
                Map<String, TableSchema> after = followedCatalog(admin);
                assertNotEquals(before.get("forms").shape(), after.get("forms").shape());

                try (Statement st = admin.createStatement();
                        ResultSet rs = st.executeQuery("select position, table_name, shape from "
                                + FeedTables.CHANGE_LOG + " order by position")) {
                    int changes = 0;
                    while (rs.next()) {
                        String table = rs.getString(2);
                        Map<String, TableSchema> then = rs.getLong(1) <= beforeAlter ? before : after;
                        assertTrue(then.get(table).followed(), table + " is followed");
                        assertEquals(then.get(table).shape(), rs.getString(3), table + " at " + rs.getLong(1));
                        changes++;
                    }
                    assertTrue(changes > 10, "changes: " + changes);
                }
            } finally {
                capture.stop();
            }
            ChangeLogReplay replay = new ChangeLogReplay(Map.of(
                    "forms", new int[] {0},
                    "tagged", new int[] {0},
                    "by_address", new int[] {0}));
            replay.replay(admin);
            for (String table : List.of("forms", "tagged", "by_address")) {
                replay.assertEqualsTable(admin, table);
            }
            dropSlot(admin);
        }
    }

    @Test
    void tablesOfOtherSchemasAreCapturedUnderTheirQualifiedNames() throws Exception {
        try (Connection admin = EmbeddedPostgresSession.scratchDatabase("capture_schemas")) {
            exec(
                    admin,
                    "create table items (id int primary key, label text)",
                    "create schema \"Audit\"",
                    "create table \"Audit\".items (id int primary key, label text, doc xml)",
                    "create schema unlisted",
                    "create table unlisted.items (id int primary key)");
            SyncScope scope = new SyncScope("public", List.of("public", "Audit"), Set.of());
            AtomicLong stored = new AtomicLong();
            ChangeCapture capture =
                    start(new CaptureConnections(admin.getMetaData().getURL(), "postgres", ""), scope, stored);
            try {
                Map<String, TableSchema> catalog = new PostgresCatalogReader(scope, FeedTables.PUBLICATION)
                        .read(admin).stream().collect(Collectors.toMap(TableSchema::name, Function.identity()));
                assertTrue(catalog.get("items").followed());
                assertTrue(catalog.get("Audit.items").followed(), "published under its own schema");
                exec(
                        admin,
                        "insert into unlisted.items values (1)",
                        "insert into items values (1, 'home')",
                        "insert into \"Audit\".items values (1, 'audit', ('<a>' || repeat('x', 100000) || '</a>')::xml)",
                        // the xml is not sent again when unchanged: it is re-read from the audit table
                        "update \"Audit\".items set label = 'audit 2'",
                        "delete from items",
                        "insert into items values (2, 'end')");
                awaitRow(admin, "items", "2");
                String doc = "<a>" + "x".repeat(100000) + "</a>";
                List<String> expected = List.of(
                        "items U [\"1\",\"home\"]",
                        "Audit.items U [\"1\",\"audit\",\"" + doc + "\"]",
                        "Audit.items U [\"1\",\"audit 2\",\"" + doc + "\"]",
                        "items D [\"1\"]",
                        "items U [\"2\",\"end\"]");
                List<String> changes = new ArrayList<>();
                try (Statement st = admin.createStatement();
                        ResultSet rs = st.executeQuery(
                                "select table_name, op, vals from " + FeedTables.CHANGE_LOG + " order by position")) {
                    while (rs.next()) {
                        changes.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
                    }
                }
                // compared by hash and length: a failure must not print 100 kB
                assertEquals(
                        expected.stream()
                                .map(c -> c.length() + ":" + c.hashCode())
                                .toList(),
                        changes.stream()
                                .map(c -> c.length() + ":" + c.hashCode())
                                .toList(),
                        () -> changes.stream()
                                .map(c -> c.length() > 60 ? c.substring(0, 60) + "…" : c)
                                .toList()
                                .toString());
            } finally {
                capture.stop();
            }
            dropSlot(admin);
        }
    }

    private static Map<String, TableSchema> followedCatalog(Connection c) throws SQLException {
        return new PostgresCatalogReader(SyncScope.homeOnly("public", Set.of()), FeedTables.PUBLICATION)
                .read(c).stream().collect(Collectors.toMap(TableSchema::name, Function.identity()));
    }

    /** Waits until an upsert of the row with this first value is stored; returns its position. */
    private static long awaitRow(Connection admin, String table, String id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (PreparedStatement ps = admin.prepareStatement("select max(position) from " + FeedTables.CHANGE_LOG
                    + " where table_name = ? and op = 'U' and vals like ?")) {
                ps.setString(1, table);
                ps.setString(2, "[\"" + id + "\",%");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getObject(1) != null) {
                        return rs.getLong(1);
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, table + " " + id + " was captured");
            Thread.sleep(20);
        }
    }

    /** Frees the scratch database's slot (the test PostgreSQL has few). */
    private static void dropSlot(Connection admin) throws Exception {
        String slot = FeedTables.slot(admin);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Statement st = admin.createStatement()) {
                st.execute("select pg_drop_replication_slot('" + slot + "')");
                return;
            } catch (SQLException stillActive) {
                assertTrue(System.nanoTime() < deadline, "slot released: " + stillActive.getMessage());
                Thread.sleep(100);
            }
        }
    }

    private static void exec(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    private static ChangeCapture start(CaptureConnections connections, AtomicLong stored) throws InterruptedException {
        return start(connections, SyncScope.homeOnly("public", Set.of()), stored);
    }

    private static ChangeCapture start(CaptureConnections connections, SyncScope scope, AtomicLong stored)
            throws InterruptedException {
        ChangeCapture capture = new ChangeCapture(connections, scope, p -> stored.accumulateAndGet(p, Math::max));
        Thread thread = new Thread(capture, "capture-under-test");
        thread.setDaemon(true);
        thread.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!capture.capturing()) {
            assertTrue(System.nanoTime() < deadline, "capture started");
            Thread.sleep(20);
        }
        return capture;
    }

    private static void awaitStoredAtLeast(AtomicLong stored, long position) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stored.get() < position) {
            assertTrue(System.nanoTime() < deadline, "capture progressed");
            Thread.sleep(20);
        }
    }

    private static void awaitMarker(Connection admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Statement st = admin.createStatement();
                    ResultSet rs = st.executeQuery("select count(*) from " + FeedTables.CHANGE_LOG
                            + " where table_name = 'companies' and vals like '%\"the end\"%'")) {
                rs.next();
                if (rs.getInt(1) == 1) {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the last write was captured");
            Thread.sleep(20);
        }
    }

    /** Random transactions: inserts, updates, deletes, key changes, multi-statement and failing ones. */
    private static Void write(String url, int seed) throws SQLException {
        Random random = new Random(seed);
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            c.setAutoCommit(false);
            for (int i = 0; i < TRANSACTIONS_PER_WRITER; i++) {
                try (Statement st = c.createStatement()) {
                    switch (random.nextInt(7)) {
                        case 0 -> st.execute("insert into companies (name, credit_limit, created_at) values ('c-" + seed
                                + "-" + i + "', " + random.nextInt(10000) + ".5, now())");
                        case 1 -> st.execute("update companies set credit_limit = credit_limit + 1, name = name || '+'"
                                + " where id = (select id from companies order by random() limit 1)");
                        case 2 -> st.execute("insert into users (company_id, email, active, created_at)"
                                + " select id, 'u-" + seed + "-" + i + "@x.test', " + random.nextBoolean() + ", now()"
                                + " from companies order by random() limit 1");
                        case 3 -> st.execute(
                                "delete from users where id = (select id from users order by random() limit 1)");
                        case 4 -> {
                            st.execute("insert into companies (name, created_at) values ('multi-" + seed + "-" + i
                                    + "', now())");
                            st.execute("insert into users (company_id, email, active, created_at) select max(id), 'm-"
                                    + seed + "-" + i + "@x.test', true, now() from companies");
                            st.execute("update users set display_name = 'changed' where email like 'm-" + seed + "-%'");
                        }
                        case 5 -> {
                            st.execute(
                                    "insert into data_table_columns (data_table_id, name, data_type, position, nullable)"
                                            + " select id, 'col', 'text', " + i + ", true from data_tables limit 1");
                            st.execute(
                                    "update data_table_columns set id = id + 1000000" // a primary-key change
                                            + " where id = (select min(id) from data_table_columns where id < 1000000)");
                            if (seed == 0 && i == TRANSACTIONS_PER_WRITER / 2) {
                                st.execute("truncate data_table_columns");
                            }
                        }
                        default -> st.execute(
                                "delete from companies where id = (select id from companies c"
                                        + " where not exists (select 1 from users u where u.company_id = c.id) order by random() limit 1)");
                    }
                    c.commit();
                } catch (SQLException concurrentConflict) {
                    c.rollback(); // e.g. a row deleted meanwhile: the transaction is simply not there
                }
            }
        }
        return null;
    }
}
