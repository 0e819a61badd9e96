package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every kind of table through every kind of release ({@code fixtures/releases/changelog.xml}): keyed,
 * composite key, keyless with rows (duplicates included), partitioned, another schema, reserved-word
 * and mixed-case names × a column added, renamed, retyped, a table dropped, tables added, only the tag
 * moved, and several releases skipped at once. Writers change rows between releases. After every sync
 * the replica equals PostgreSQL value by value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleasesIT {
    private static final String TOKEN = "releases-token";
    private static final String CHANGELOG = "fixtures/releases/changelog.xml";

    /** A synced table: its PostgreSQL schema and name. */
    private record Table(String schema, String name) {
        String protocolName() {
            return schema.equals("public") ? name : schema + "." + name;
        }
    }

    private static final List<Table> FIRST = List.of(
            new Table("public", "item"),
            new Table("public", "line"),
            new Table("public", "reading"),
            new Table("public", "event"),
            new Table("stock", "level"),
            new Table("public", "Order"));
    private static final List<Table> LAST = List.of(
            new Table("public", "item"),
            new Table("public", "line"),
            new Table("public", "reading"),
            new Table("public", "event"),
            new Table("public", "Order"),
            new Table("public", "NewThing"),
            new Table("stock", "bin"));

    private OutpostStack stack;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start(
                "releases", TOKEN, "outpost.schemas=public,stock\n", c -> TestLiquibase.update(c, CHANGELOG, "r1"));
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyKindOfTableStaysEqualThroughEveryKindOfRelease() throws Exception {
        try (OutpostReplica everyRelease = open("every-release-");
                OutpostReplica skipping = open("skipping-")) {
            assertEquals(SyncResult.Outcome.CREATED, everyRelease.sync().outcome());
            assertEquals(SyncResult.Outcome.CREATED, skipping.sync().outcome());
            assertSame(everyRelease, FIRST);

            write(
                    "update item set qty = qty + 1 where id <= 10",
                    "insert into reading values ('s-9', 99, null)",
                    "delete from line where order_id = 1",
                    "update stock.level set amount = amount * 2 where item_id <= 5",
                    "update \"Order\" set \"select\" = null where \"Id\" = 3");
            syncUntilEqual(everyRelease, FIRST);

            release("r2", everyRelease, List.of("Order", "item", "reading"));
            write(
                    "insert into item (id, name, qty, price) values (1000, 'new', 1, 1.25)",
                    "update reading set unit = 'F' where sensor = 's-1'",
                    "insert into event values (5000, 'late', date '2026-03-01')");
            syncUntilEqual(everyRelease, FIRST);

            release("r3", everyRelease, List.of("event", "line", "stock.level"));
            write(
                    "update line set article = 'renamed' where order_id = 2",
                    "update stock.level set quantity = 0 where item_id = 7",
                    "delete from reading where sensor = 's-2'");
            syncUntilEqual(everyRelease, FIRST);

            release("r4", everyRelease, List.of("Order", "item", "reading"));
            write(
                    "update item set qty = 9000000000 where id = 1",
                    "insert into reading values ('s-8', 12345678901.5, null, 'K')",
                    "update \"Order\" set \"select\" = repeat('x', 60) where \"Id\" = 4");
            syncUntilEqual(everyRelease, FIRST);

            release("r5", everyRelease, List.of("NewThing", "stock.bin"));
            assertEquals(
                    LAST.stream().map(Table::protocolName).sorted().toList(),
                    everyRelease.status().local().tables().stream()
                            .map(ReplicaStatus.Table::name)
                            .sorted()
                            .toList(),
                    "the dropped table is gone, the new ones are there");
            write("insert into \"NewThing\" values (21, 'more')", "update stock.bin set shelf = 9 where code = 'b1'");
            syncUntilEqual(everyRelease, LAST);

            try (Connection pg = stack.connect()) {
                TestLiquibase.update(pg, CHANGELOG, "r6");
            }
            SyncResult retagged = everyRelease.sync();
            assertEquals(SyncResult.Outcome.RETAGGED, retagged.outcome(), "only the tag moved");
            assertEquals("r6", retagged.newTag());
            assertSame(everyRelease, LAST);

            SyncResult skipped = skipping.sync();
            assertEquals(SyncResult.Outcome.REBUILT, skipped.outcome(), "five releases at once");
            assertEquals("r1", skipped.previousTag());
            assertEquals("r6", skipped.newTag());
            syncUntilEqual(skipping, LAST);
        }
        try (OutpostReplica fresh = open("fresh-")) {
            assertEquals(SyncResult.Outcome.CREATED, fresh.sync().outcome());
            syncUntilEqual(fresh, LAST);
        }
    }

    /** Applies the release up to {@code tag}; the replica rebuilds exactly {@code changed} and keeps the rest. */
    private void release(String tag, OutpostReplica replica, List<String> changed) throws Exception {
        try (Connection pg = stack.connect()) {
            TestLiquibase.update(pg, CHANGELOG, tag);
        }
        SyncResult result = replica.sync();
        assertEquals(SyncResult.Outcome.REBUILT, result.outcome(), tag);
        assertEquals(tag, result.newTag());
        assertEquals(changed, result.tablesRebuilt().stream().sorted().toList(), tag + ": rebuilt");
        assertEquals(
                replica.status().local().tables().stream()
                        .map(ReplicaStatus.Table::name)
                        .filter(name -> !changed.contains(name))
                        .sorted()
                        .toList(),
                result.tablesKept().stream().sorted().toList(),
                tag + ": kept");
    }

    private void write(String... statements) throws Exception {
        try (Connection pg = stack.connect();
                Statement st = pg.createStatement()) {
            for (String statement : statements) {
                st.executeUpdate(statement);
            }
        }
    }

    /**
     * Syncs until the replica's digests equal the server's (the change feed is asynchronous: a write is
     * captured a moment after its commit), then compares every table value by value.
     */
    private void syncUntilEqual(OutpostReplica replica, List<Table> tables) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        VerifyResult verified;
        while (true) {
            replica.sync();
            verified = replica.verify();
            if (verified.matches()) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "the replica never became equal: " + verified);
            Thread.sleep(200);
        }
        assertSame(replica, tables);
    }

    /** Compares every table of {@code tables} with PostgreSQL, value by value. */
    private void assertSame(OutpostReplica replica, List<Table> tables) throws Exception {
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (Table table : tables) {
                ReplicaComparison.assertSameRows(
                        pg,
                        derby,
                        table.schema(),
                        table.schema().equals("public") ? null : table.schema(),
                        table.name());
            }
        }
    }

    private OutpostReplica open(String prefix) throws Exception {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(Files.createTempDirectory(stack.work(), prefix))
                .pageRows(100)
                .build());
    }
}
