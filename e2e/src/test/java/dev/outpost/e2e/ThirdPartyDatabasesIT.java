package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.server.testsupport.TestLiquibase;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real databases we did not design, Chinook (mixed-case names, composite keys) and FoodMart (fact
 * tables without primary keys, hundreds of thousands of rows), copied from their HSQLDB files on Maven
 * Central into one PostgreSQL database, replicated and verified.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThirdPartyDatabasesIT {
    static final String SYNC_TOKEN = "samples-token";

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private EmbeddedPostgres postgres;
    private PayaraMicroServer server;
    private final List<String> chinook = new ArrayList<>();
    private final List<String> foodmart = new ArrayList<>();

    @BeforeAll
    void startServer() throws Exception {
        postgres = TestPostgres.start();
        TestPostgres.createDatabase(postgres, "samples", "samples");
        try (Connection c = pg()) {
            chinook.addAll(HsqldbCopy.copy("jdbc:hsqldb:res:chinook", "chinook", c));
            foodmart.addAll(HsqldbCopy.copy("jdbc:hsqldb:res:foodmart", "foodmart", c));
            TestLiquibase.update(c, "fixtures/third-party/changelog.yaml", null);
        }
        Path properties = runDir.resolve("samples-server.properties");
        Files.writeString(
                properties,
                TestPostgres.serverProperties(postgres.getPort(), "samples", "samples") + "outpost.sync-tokens="
                        + SYNC_TOKEN + "\noutpost.liquibase.enabled=false\n");
        server = PayaraMicroServer.start(runDir, properties, "samples");
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        TestPostgres.stop(postgres);
    }

    private Connection pg() throws Exception {
        return postgres.getDatabase("samples", "samples").getConnection();
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
                    ReplicaComparison.assertSameRows(pg, derby, table);
                }
            }
        }
    }
}
