package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real databases we did not design, Chinook (mixed-case names, composite keys) and FoodMart (fact
 * tables without primary keys, hundreds of thousands of rows), copied from their HSQLDB files on Maven
 * Central into two schemas of one PostgreSQL database (FoodMart in the home schema {@code public},
 * Chinook in schema {@code chinook}; both synced: {@code outpost.schemas=public,chinook}), replicated
 * and verified. Chinook's tables live in the replica's Derby schema {@code CHINOOK}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThirdPartyDatabasesIT {
    static final String SYNC_TOKEN = "samples-token";

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private PayaraMicroServer server;
    private final List<String> chinook = new ArrayList<>();
    private final List<String> foodmart = new ArrayList<>();

    @BeforeAll
    void startServer() throws Exception {
        stack = OutpostStack.start("samples", SYNC_TOKEN, "outpost.schemas=public,chinook\n", c -> {
            chinook.addAll(HsqldbCopy.copy("jdbc:hsqldb:res:chinook", "chinook", c, "chinook"));
            foodmart.addAll(HsqldbCopy.copy("jdbc:hsqldb:res:foodmart", "foodmart", c, "public"));
            TestLiquibase.update(c, "fixtures/third-party/changelog.yaml", null);
        });
        server = stack.server();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private Connection pg() throws Exception {
        return stack.connect();
    }

    @Test
    void chinookAndFoodMartReplicateAndVerifyEqual() throws Exception {
        assertEquals(11, chinook.size(), chinook.toString());
        assertTrue(foodmart.size() > 20, foodmart.toString());
        try (OutpostReplica replica = OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(server.baseUri())
                .token(SYNC_TOKEN)
                .directory(Files.createTempDirectory(runDir, "samples-"))
                .pageRows(20_000)
                .build())) {
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, result.outcome());
            assertEquals(
                    chinook.size() + foodmart.size(), result.tablesRebuilt().size());
            assertTrue(
                    result.tablesRebuilt().contains("chinook.Album"),
                    result.tablesRebuilt().toString());
            assertTrue(result.tablesRebuilt().contains("customer"), "FoodMart's, of the home schema");
            VerifyResult verified = replica.verify();
            assertTrue(verified.matches(), verified.toString());
            assertEquals(
                    result.rows(),
                    verified.tables().stream()
                            .mapToLong(VerifyResult.Table::replicaRows)
                            .sum());
            try (Connection pg = pg();
                    Connection derby = replica.openConnection()) {
                for (String table : chinook) {
                    ReplicaComparison.assertSameRows(pg, derby, "chinook", "chinook", table);
                }
                ReplicaComparison.assertSameRows(pg, derby, "customer");
            }

            // changes in a schema other than the home schema reach the replica through the feed
            replica.sync(); // a table published after the first sync's snapshot is rebuilt here, to follow
            try (Connection pg = pg();
                    Statement st = pg.createStatement()) {
                st.executeUpdate("update chinook.\"Genre\" set \"Name\" = 'Bossa Nova' where \"GenreId\" = 1");
                st.executeUpdate("insert into chinook.\"Genre\" (\"GenreId\", \"Name\") values (1000, 'Fado')");
            }
            long applied = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (applied < 2) {
                assertTrue(System.nanoTime() < deadline, "2 changes applied, so far " + applied);
                applied += replica.sync().changesApplied();
                Thread.sleep(100);
            }
            assertEquals(2, applied);
            try (Connection pg = pg();
                    Connection derby = replica.openConnection()) {
                ReplicaComparison.assertSameRows(pg, derby, "chinook", "chinook", "Genre");
            }
            assertTrue(replica.verify().matches());

            // a release: three tables change, every other one is kept, FoodMart's keyless facts among them
            try (Connection pg = pg()) {
                TestLiquibase.update(pg, "fixtures/third-party/upgrade.yaml", null);
            }
            SyncResult upgraded = replica.sync();
            assertEquals(SyncResult.Outcome.REBUILT, upgraded.outcome());
            assertEquals("samples-2", upgraded.newTag());
            assertEquals(
                    List.of("chinook.Artist", "chinook.Track", "promotion"),
                    upgraded.tablesRebuilt().stream().sorted().toList());
            assertEquals(
                    chinook.size() + foodmart.size() - 3, upgraded.tablesKept().size());
            VerifyResult afterUpgrade = replica.verify();
            assertTrue(afterUpgrade.matches(), afterUpgrade.toString());
            try (Connection pg = pg();
                    Connection derby = replica.openConnection()) {
                ReplicaComparison.assertSameRows(pg, derby, "chinook", "chinook", "Artist");
                ReplicaComparison.assertSameRows(pg, derby, "chinook", "chinook", "Track");
                ReplicaComparison.assertSameRows(pg, derby, "promotion");
                for (String table : keyless(pg)) {
                    ReplicaComparison.assertSameRows(pg, derby, table);
                }
            }
        }
    }

    /** FoodMart's tables without a primary key that hold rows. */
    private List<String> keyless(Connection pg) throws Exception {
        List<String> tables = new ArrayList<>();
        try (Statement st = pg.createStatement();
                ResultSet rs = st.executeQuery("select c.relname from pg_class c"
                        + " join pg_namespace n on n.oid = c.relnamespace"
                        + " where n.nspname = 'public' and c.relkind = 'r'"
                        + " and not exists (select 1 from pg_constraint k where k.conrelid = c.oid and k.contype = 'p')"
                        + " and c.relname not like 'databasechangelog%' order by c.relname")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        tables.removeIf(table -> {
            try (Statement st = pg.createStatement();
                    ResultSet rs = st.executeQuery("select not exists (select 1 from \"" + table + "\")")) {
                rs.next();
                return rs.getBoolean(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(tables.size() >= 3, "FoodMart has keyless tables with rows: " + tables);
        return tables;
    }
}
