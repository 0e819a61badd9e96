package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.client.VerifyResult;
import dev.outpost.protocol.ChangeSetInfo;
import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A schema we did not design ({@code fixtures/every-type/changelog.xml}): every PostgreSQL type with
 * edge values, reserved and mixed-case names, composite and self-referencing keys, a table without a
 * primary key, a partitioned table, views and a second schema. Synced through Payara Micro and
 * compared value by value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EveryTypeIT {
    static final String CHANGELOG = "fixtures/every-type/changelog.xml";
    static final String SYNC_TOKEN = "every-type-token";
    static final List<String> TABLES = List.of(
            "2019",
            "MixedCase",
            "Order Lines",
            "category",
            "every_type",
            "measurements",
            "no_key_log",
            "order",
            "user");

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private PayaraMicroServer server;
    private Path work;

    @BeforeAll
    void startServer() throws Exception {
        stack = OutpostStack.start("fixture", SYNC_TOKEN, c -> TestLiquibase.update(c, CHANGELOG, null));
        server = stack.server();
        work = stack.work();
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

    private OutpostReplica open(String name) {
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(server.baseUri())
                .token(SYNC_TOKEN)
                .directory(work.resolve(name))
                .pageRows(2)
                .build());
    }

    @Test
    @Order(1)
    void replicatesEveryTypeAndEveryValue() throws Exception {
        try (OutpostReplica replica = open("a")) {
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, result.outcome());
            assertEquals("every-type-1", result.newTag());
            ChangeSetInfo latest = replica.status().server().latestChangeSet();
            assertEquals("tag-1", latest.id(), "several files, a dbms-filtered changeset: the last row still wins");
            assertEquals("fixtures/every-type/changelog.xml", latest.file());
            assertEquals(TABLES, result.tablesRebuilt().stream().sorted().toList(), "views, partitions excluded");
            Map<String, Integer> counts = new TreeMap<>();
            try (Connection pg = pg();
                    Connection derby = replica.openConnection()) {
                for (String table : TABLES) {
                    counts.put(table, ReplicaComparison.assertSameRows(pg, derby, table));
                }
            }
            VerifyResult verified = replica.verify();
            assertTrue(verified.matches(), verified.toString());
            assertEquals(TABLES.size(), verified.tables().size());
            assertEquals(5, counts.get("every_type"));
            assertEquals(3, counts.get("measurements"), "partitioned rows copied once");
            assertEquals(4, counts.get("no_key_log"), "duplicate rows kept");
        }
    }

    @Test
    @Order(2)
    void quotesNamesTheSameWayForHandWrittenQueries() throws Exception {
        try (OutpostReplica replica = open("a");
                Connection derby = replica.openConnection();
                Statement st = derby.createStatement();
                ResultSet rs = st.executeQuery(
                        "select \"from\", \"MixedCase\", \"1st\", \"year\" from \"user\"" + " where id = 1")) {
            assertTrue(rs.next());
            assertEquals("a", rs.getString(1));
            assertEquals("M", rs.getString(2));
            assertEquals("first", rs.getString(3));
            assertEquals(2024, rs.getInt(4));
        }
    }

    @Test
    @Order(4)
    void theVerifyCommandReportsEqualityThenTheTableThatDiffers() throws Exception {
        String replica = work.resolve("a").toString();
        String url = server.baseUri().toString();
        Cli.Run equal = Cli.run(runDir, "verify", "--server", url, "--token", SYNC_TOKEN, "--replica", replica);
        assertEquals(0, equal.exit(), equal.toString());
        assertTrue(equal.out().contains("replica equals the server"), equal.toString());
        try (Connection c = pg();
                Statement st = c.createStatement()) {
            st.execute("update category set name = 'renamed' where id = 3");
            st.execute("delete from no_key_log where level = 'warn'");
        }
        Cli.Run different = Cli.run(runDir, "verify", "--server", url, "--token", SYNC_TOKEN, "--replica", replica);
        assertEquals(6, different.exit(), different.toString());
        assertTrue(different.out().contains("same row count, different values"), different.toString());
        assertTrue(different.out().contains("server has 3 rows, replica 4"), different.toString());
        assertTrue(different.out().contains("replica differs from the server"), different.toString());
    }
}
