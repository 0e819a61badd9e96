package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.Quarantined;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Values PostgreSQL accepts and Derby cannot hold (a date of year 99999, BC dates, {@code infinity},
 * NaN, infinities and {@code -0} in floats, NaN in numeric, timestamps beyond year 9999), written by
 * plain SQL as any writer could, next to look-alikes Derby does hold (time {@code 24:00:00}, strings of
 * characters outside the BMP at their full length, timestamp infinities, subnormal floats): a replica that follows the server and a new one made by the CLI both
 * sync, report the values, verify equal, and hold every other value exactly as PostgreSQL does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoisonValuesIT {
    private static final String TOKEN = "poison-token";

    /** The fixture's tables with their primary keys (empty: none). */
    private static final Map<String, List<String>> KEYS = Map.of(
            "2019", List.of("Id"),
            "MixedCase", List.of("ID"),
            "Order Lines", List.of("region", "order_no", "line"),
            "category", List.of("id"),
            "every_type", List.of("id"),
            "measurements", List.of("id", "at"),
            "no_key_log", List.of(),
            "order", List.of("region", "no"),
            "user", List.of("id"));

    /** What the writes below put in quarantine, per table and column. */
    private static final Map<String, Long> QUARANTINED = new TreeMap<>(Map.of(
            "order.placed", 2L,
            "every_type.d", 3L,
            "every_type.f8", 2L,
            "every_type.f4", 2L,
            "every_type.num_p", 1L,
            "every_type.ts", 2L,
            "every_type.tstz", 1L,
            "measurements.reading", 1L));

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("poison", TOKEN, c -> TestLiquibase.update(c, EveryTypeIT.CHANGELOG, null));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void valuesDerbyCannotHoldStopNoReplicaAndAreNeitherLostNorHidden() throws Exception {
        try (OutpostReplica following = open("following")) {
            SyncResult created = following.sync();
            assertEquals(SyncResult.Outcome.CREATED, created.outcome());
            assertEquals(List.of(), created.quarantined());

            try (Connection pg = stack.connect();
                    Statement st = pg.createStatement()) {
                st.execute("insert into \"order\" values ('poison', 1, '99999-01-01'), ('poison', 2, '0200-03-01 BC')");
                st.execute("insert into every_type (d, f8, f4, num_p, ts, tstz) values"
                        + " ('99999-01-01', 'NaN', '-0', 'NaN', '10000-01-01 00:00:00', '20000-06-01 00:00:00+00')");
                st.execute("insert into every_type (d, f8, f4, ts) values"
                        + " ('infinity', '-Infinity', 'Infinity', '0010-01-01 00:00:00 BC')");
                st.execute("insert into every_type (d) values ('1582-10-10')");
                // values Derby holds although they look alike: stored natively, never quarantined
                st.execute("insert into every_type (tm, vc, ch, ts, tstz, f8, f4) values ('24:00:00', repeat('😀', 20),"
                        + " repeat('😀', 5), 'infinity', '-infinity', '4.9e-324', '1e-45')");
                st.execute("insert into measurements values (99, '2024-06-01', 'NaN')");
                st.execute("update category set name = 'root, renamed' where id = 1"); // an ordinary change beside them
            }

            SyncResult synced = syncUntilEqual(following);
            assertEquals(QUARANTINED, counts(synced.quarantined()), synced.toString());
            assertEquals(QUARANTINED, counts(following.quarantined()));
            assertSameValuesAsPostgres(following);
        }

        String url = stack.server().baseUri().toString();
        String replica = stack.work().resolve("cli").toString();
        Cli.Run sync = Cli.run(runDir, "sync", "--server", url, "--token", TOKEN, "--replica", replica);
        assertEquals(0, sync.exit(), sync.toString());
        assertTrue(sync.out().contains("quarantined: 14 values"), sync.toString());
        Cli.Run status = Cli.run(runDir, "status", "--server", url, "--token", TOKEN, "--replica", replica);
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().matches("(?s).*every_type +\\| d +\\| 3\\n.*"), status.toString());
        assertTrue(status.out().matches("(?s).*order +\\| placed +\\| 2\\n.*"), status.toString());
        Cli.Run verify = Cli.run(runDir, "verify", "--server", url, "--token", TOKEN, "--replica", replica);
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("replica equals the server"), verify.toString());
        try (OutpostReplica made = open("cli")) {
            assertEquals(QUARANTINED, counts(made.quarantined()));
            assertSameValuesAsPostgres(made);
        }
    }

    /** The feed delivers the writes a moment after their commit: sync until verify finds the replica equal. */
    private static SyncResult syncUntilEqual(OutpostReplica replica) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            SyncResult result = replica.sync();
            VerifyResult verify = replica.verify();
            if (verify.matches()) {
                return result;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the replica never verified equal: " + verify);
            }
        }
    }

    /** Every table value by value; a NULL in quarantine counts as its exact text. */
    private void assertSameValuesAsPostgres(OutpostReplica replica) throws Exception {
        VerifyResult verify = replica.verify();
        assertTrue(verify.matches(), verify.toString());
        long fromQuarantine = 0;
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (Map.Entry<String, List<String>> table : new TreeMap<>(KEYS).entrySet()) {
                fromQuarantine +=
                        ReplicaComparison.assertSameRowsWithQuarantine(pg, derby, table.getKey(), table.getValue());
            }
        }
        assertEquals(
                QUARANTINED.values().stream().mapToLong(Long::longValue).sum(),
                fromQuarantine,
                "every quarantined value was found in its row");
    }

    private OutpostReplica open(String name) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(stack.work().resolve(name))
                .pageRows(2)
                .build());
    }

    private static Map<String, Long> counts(List<Quarantined> quarantined) {
        Map<String, Long> counts = new TreeMap<>();
        quarantined.forEach(q -> counts.put(q.table() + "." + q.column(), q.values()));
        return counts;
    }
}
