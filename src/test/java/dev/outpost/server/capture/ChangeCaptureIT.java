package dev.outpost.server.capture;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.TestLiquibase;
import java.sql.Connection;
import java.sql.DriverManager;
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
import org.junit.jupiter.api.Test;

/**
 * Capture against a real PostgreSQL with concurrent writers: the stored log, replayed, equals the
 * tables; every transaction is stored once and whole, also across a capturer restart mid-run.
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

    private static ChangeCapture start(CaptureConnections connections, AtomicLong stored) throws InterruptedException {
        ChangeCapture capture =
                new ChangeCapture(connections, "public", Set.of(), p -> stored.accumulateAndGet(p, Math::max));
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
