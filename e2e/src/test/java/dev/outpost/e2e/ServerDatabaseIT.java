package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.client.internal.http.SyncHttpClient;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The server's PostgreSQL changes under an existing replica, as operators change it:
 *
 * <ol>
 *   <li>it has no logical decoding ({@code wal_level=replica}): the server serves snapshots only, every
 *       sync exits 0, and a table whose rows changed is reloaded (compared by digest), the others not;
 *   <li>it is restarted with {@code wal_level=logical}: capture starts by itself and the replica joins
 *       the change feed with one rebuild;
 *   <li>the server is pointed at a backup restored into a new database: the replica rebuilds every
 *       table, although tag and schema are the same, and equals the restored data; {@code sync --full}
 *       rebuilds every table on demand;
 *   <li>the database is dropped and recreated with other rows: the replica rebuilds every table again.
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerDatabaseIT {
    private static final String NAME = "replaced";
    private static final String TOKEN = "replaced-token";
    private static final String CHANGELOG = "fixtures/releases/changelog.xml";
    private static final List<String> TABLES = List.of("Order", "event", "item", "line", "reading", "stock.level");

    private OutpostStack stack;
    private Path replicaDir;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start(
                NAME,
                TOKEN,
                "outpost.schemas=public,stock\n",
                "replica",
                c -> TestLiquibase.update(c, CHANGELOG, "r1"));
        replicaDir = Files.createTempDirectory(stack.work(), "replica-");
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aReplicaFollowsItsServerThroughEveryChangeOfItsDatabase() throws Exception {
        // 1. no logical decoding: snapshots only, exit 0
        Cli.Run created = cli("sync");
        assertEquals(0, created.exit(), created.toString());
        assertTrue(created.out().startsWith("CREATED"), created.toString());
        Cli.Run unchanged = cli("sync");
        assertEquals(0, unchanged.exit(), unchanged.toString());
        assertTrue(unchanged.out().startsWith("UP_TO_DATE"), unchanged.toString());
        assertTrue(unchanged.out().contains(" 0 reloaded, 0 rows"), unchanged.toString());

        write("update item set qty = 100 where id = 1", "delete from reading where sensor = 's-3'");
        try (OutpostReplica replica = open()) {
            SyncResult reloaded = replica.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, reloaded.outcome());
            assertEquals(
                    List.of("item", "reading"),
                    reloaded.tablesReloaded().stream().sorted().toList());
            assertEquals(0, reloaded.changesApplied());
            assertSameAsServer(replica);

            // 2. logical decoding switched on: capture starts, the replica joins the feed once
            stack.restartPostgres("logical");
            awaitEveryKeyedTableFollowed();
            SyncResult joined = syncOnceTheServerAnswers(replica);
            assertEquals(SyncResult.Outcome.REBUILT, joined.outcome(), "joining the feed rebuilds");
            assertEquals(List.of(), joined.tablesKept());
            write("update item set name = 'followed' where id = 2");
            syncUntilEqual(replica);
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
        }

        // 3. a backup, later restored into a new database
        stack.killServer();
        try (Connection admin = stack.connectAsSuperuser();
                Statement st = admin.createStatement()) {
            st.execute("create database replaced_backup owner " + NAME + " template " + NAME);
        }
        stack.restartServer();
        write("insert into item (id, name, qty) values (5000, 'after the backup', 1)", "delete from line");
        try (OutpostReplica replica = open()) {
            syncUntilEqual(replica);
            assertEquals(0, count(replica, "line"));
        }
        stack.killServer();
        stack.useDatabase("replaced_backup");
        stack.restartServer();
        try (OutpostReplica replica = open()) {
            SyncResult restored = syncOnceTheServerAnswers(replica);
            assertEquals(SyncResult.Outcome.REBUILT, restored.outcome(), "same tag, another database");
            assertEquals(TABLES, restored.tablesRebuilt().stream().sorted().toList());
            assertEquals(List.of(), restored.tablesKept());
            assertSameAsServer(replica);
            assertEquals(500, count(replica, "line"), "the rows of the backup, not those written after it");
        }
        Cli.Run full = cli("sync", "--full");
        assertEquals(0, full.exit(), full.toString());
        assertTrue(full.out().startsWith("REBUILT"), full.toString());
        assertTrue(full.out().contains(TABLES.size() + " tables downloaded, 0 kept"), full.toString());

        // 4. dropped and recreated, with other rows
        stack.killServer();
        try (Connection admin = stack.connectAsSuperuser();
                Statement st = admin.createStatement()) {
            st.execute("select pg_drop_replication_slot(slot_name) from pg_replication_slots"
                    + " where database = 'replaced_backup'");
            st.execute("drop database replaced_backup with (force)");
            st.execute("create database replaced_backup owner " + NAME);
        }
        try (Connection pg = stack.connect()) {
            TestLiquibase.update(pg, CHANGELOG, "r1");
        }
        write("delete from item where id > 100");
        stack.restartServer();
        try (OutpostReplica replica = open()) {
            SyncResult recreated = syncOnceTheServerAnswers(replica);
            assertEquals(SyncResult.Outcome.REBUILT, recreated.outcome(), "same tag, a recreated database");
            assertEquals(List.of(), recreated.tablesKept());
            assertSameAsServer(replica);
            assertEquals(100, count(replica, "item"));
        }

        // 5. the replica on a read-only file system (a write-protected medium): read, never written
        Cli.Run status = Cli.runOnReadOnly(stack.runDir(), replicaDir, cliArgs("status"));
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("local:  tag r1"), status.toString());
        Cli.Run query = Cli.runOnReadOnly(
                stack.runDir(), replicaDir, "sql", "--replica", replicaDir.toString(), "select count(*) from item");
        assertEquals(0, query.exit(), query.toString());
        assertTrue(query.out().contains("100"), query.toString());
        Cli.Run sync = Cli.runOnReadOnly(stack.runDir(), replicaDir, cliArgs("sync"));
        assertEquals(1, sync.exit(), sync.toString());
        assertTrue(sync.err().contains("read-only file system"), sync.toString());
    }

    private Cli.Run cli(String... args) throws Exception {
        return Cli.run(stack.runDir(), cliArgs(args));
    }

    private String[] cliArgs(String... args) {
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(
                new String[] {
                    "--server",
                    stack.server().baseUri().toString(),
                    "--token",
                    TOKEN,
                    "--replica",
                    replicaDir.toString()
                },
                0,
                all,
                args.length,
                6);
        return all;
    }

    private OutpostReplica open() {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(stack.server().baseUri())
                .token(TOKEN)
                .directory(replicaDir)
                .build());
    }

    private void write(String... statements) throws Exception {
        try (Connection pg = stack.connect();
                Statement st = pg.createStatement()) {
            for (String statement : statements) {
                st.executeUpdate(statement);
            }
        }
    }

    /** A sync, retried while the server's connections to a restarted PostgreSQL are being replaced. */
    private static SyncResult syncOnceTheServerAnswers(OutpostReplica replica) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return replica.sync();
            } catch (dev.outpost.client.OutpostException e) {
                assertTrue(System.nanoTime() < deadline, "the server never answered: " + e);
                Thread.sleep(200);
            }
        }
    }

    /** Syncs until the digests match (capture is asynchronous), then compares value by value. */
    private void syncUntilEqual(OutpostReplica replica) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            syncOnceTheServerAnswers(replica);
            VerifyResult verified = replica.verify();
            if (verified.matches()) {
                break;
            }
            assertTrue(System.nanoTime() < deadline, "never equal: " + verified);
            Thread.sleep(200);
        }
        assertSameAsServer(replica);
    }

    private void assertSameAsServer(OutpostReplica replica) throws Exception {
        assertTrue(replica.verify().matches());
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (String table : TABLES) {
                boolean stock = table.startsWith("stock.");
                ReplicaComparison.assertSameRows(
                        pg,
                        derby,
                        stock ? "stock" : "public",
                        stock ? "stock" : null,
                        stock ? table.substring("stock.".length()) : table);
            }
        }
    }

    private void awaitEveryKeyedTableFollowed() throws Exception {
        try (SyncHttpClient http =
                new SyncHttpClient(stack.server().baseUri(), TOKEN, Duration.ofSeconds(10), Duration.ofSeconds(30))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (true) {
                try {
                    if (http.schema().tables().stream()
                            .filter(TableSchema::followed)
                            .map(TableSchema::name)
                            .toList()
                            .containsAll(List.of("Order", "item", "line", "stock.level"))) {
                        return;
                    }
                } catch (dev.outpost.client.OutpostException e) {
                    // the server's connections to the restarted PostgreSQL are being replaced
                }
                assertTrue(System.nanoTime() < deadline, "capture did not start within 90 s");
                Thread.sleep(200);
            }
        }
    }

    private static long count(OutpostReplica replica, String table) throws Exception {
        try (Connection c = replica.openConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
