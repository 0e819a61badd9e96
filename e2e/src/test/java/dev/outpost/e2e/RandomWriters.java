package dev.outpost.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Application writers for the change-feed tests: several threads, each committing small transactions
 * of random inserts, updates, deletes and primary-key changes (by default on every table of the
 * example schema, release 4), some rolled back, some failing on a foreign key, until stopped.
 */
final class RandomWriters implements AutoCloseable {
    /** Opens a connection to the application database. */
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong committed = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** One random statement of a writer's transaction. */
    interface Step {
        void write(Connection connection, ThreadLocalRandom random) throws SQLException;
    }

    /** Starts {@code count} writer threads writing on every table of the example schema. */
    RandomWriters(Connector connector, int count) {
        this(connector, count, RandomWriters::step);
    }

    /** Starts {@code count} writer threads, each transaction made of 1 to 4 {@code step}s. */
    RandomWriters(Connector connector, int count, Step step) {
        for (int i = 0; i < count; i++) {
            Thread thread = new Thread(() -> write(connector, step), "writer-" + i);
            thread.start();
            threads.add(thread);
        }
    }

    /** Transactions committed so far. */
    long committed() {
        return committed.get();
    }

    /** Stops the writers and waits for them; fails if one broke for a reason other than a refused write. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a writer failed", failures.get(0));
        }
    }

    private void write(Connector connector, Step step) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        try (Connection c = connector.connect()) {
            c.setAutoCommit(false);
            while (running.get()) {
                try {
                    int statements = 1 + random.nextInt(4);
                    for (int i = 0; i < statements; i++) {
                        step.write(c, random);
                    }
                    if (random.nextInt(10) == 0) {
                        c.rollback();
                    } else {
                        c.commit();
                        committed.incrementAndGet();
                    }
                } catch (SQLException e) {
                    c.rollback(); // a foreign key or a concurrent delete refused it: as in any application
                }
                Thread.sleep(random.nextInt(3));
            }
        } catch (SQLException | RuntimeException e) {
            failures.add(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void step(Connection c, ThreadLocalRandom random) throws SQLException {
        switch (random.nextInt(9)) {
            case 0 -> update(
                    c,
                    "insert into companies (name, credit_limit, created_at, country) values (?, 12.5, now(), ?)",
                    "Company " + random.nextInt(1_000_000) + " ✓",
                    random.nextBoolean() ? "D" : null);
            case 1 -> update(
                    c,
                    "update companies set credit_limit = credit_limit + 1, country = ? where id = ?",
                    random.nextBoolean() ? "FR" : "X",
                    randomId(c, "companies", random));
            case 2 -> update(
                    c,
                    "insert into users (company_id, email, display_name, active, created_at)"
                            + " select id, ?, ?, ?, now() from companies where id = ?",
                    "u" + random.nextLong() + "@example.org",
                    random.nextBoolean() ? "Writer \uD83D\uDE80" : null,
                    random.nextBoolean(),
                    randomId(c, "companies", random));
            case 3 -> update(
                    c,
                    "update users set active = not coalesce(active, false), phone = ?, display_name = ? where id = ?",
                    "+33 " + random.nextInt(1000),
                    "renamed " + random.nextInt(100),
                    randomId(c, "users", random));
            case 4 -> update(
                    c, "delete from data_table_columns where id = ?", randomId(c, "data_table_columns", random));
            case 5 -> update(
                    c,
                    "update data_table_columns set id = id + 1000000, name = name || '+' where id = ?",
                    randomId(c, "data_table_columns", random));
            case 6 -> update(
                    c,
                    "insert into audit_notes (user_id, note, score, created_at) select id, ?, ?, now() from users"
                            + " where id = ?",
                    "note " + random.nextInt(),
                    random.nextDouble() * 100,
                    randomId(c, "users", random));
            case 7 -> update(
                    c,
                    "update workspaces set description = ?, name = name where id = ?",
                    random.nextBoolean() ? null : "described " + random.nextInt(),
                    randomId(c, "workspaces", random));
            default -> update(
                    c,
                    "insert into user_preferences (user_id, theme, settings) select id, ?, ?::jsonb from users"
                            + " where id = ? on conflict do nothing",
                    random.nextBoolean() ? "dark" : "light",
                    "{\"size\": " + random.nextInt(30) + "}",
                    randomId(c, "users", random));
        }
    }

    /** A random id between 1 and the table's highest, which may be a deleted one. */
    static long randomId(Connection c, String table, ThreadLocalRandom random) throws SQLException {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("select coalesce(max(id), 1) from " + table)) {
            rs.next();
            return 1 + random.nextLong(rs.getLong(1));
        }
    }

    static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }
}
