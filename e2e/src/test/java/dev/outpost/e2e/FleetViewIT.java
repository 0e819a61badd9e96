package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.ReplicaDetail;
import dev.outpost.protocol.ReplicaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.TestLiquibase;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Type;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fleet as an operator sees it through the admin API: two devices synced by the command line
 * appear with their token, client, release and outcome; a new release's rollout goes from 0 of 2 to 2
 * of 2 as they sync; a device that has not synced since the application wrote shows its lag, and none
 * once it has; each device's history lists its syncs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetViewIT {
    private static final String ADMIN_TOKEN = "e2e-fleet-admin";
    private static final String ADMIN = SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/";
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final Type REPLICA_LIST =
            new ArrayList<ReplicaInfo>() {}.getClass().getGenericSuperclass();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private OutpostStack stack;
    private ApiCalls api;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("fleet", "e2e-fleet-unused", "outpost.admin-tokens=" + ADMIN_TOKEN + "\n", c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 3, 10);
        });
        api = new ApiCalls(stack.server().baseUri());
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void twoDevicesShowTheirReleaseRolloutLagAndFailures() throws Exception {
        String grants = ", \"role\": \"replica\", \"grants\": [{\"table\": \"companies\"}, {\"table\": \"users\"}]}";
        String first = create("{\"name\": \"van-1\"" + grants).secret();
        String second = create("{\"name\": \"van-2\"" + grants).secret();
        assertEquals(0, cli("sync", "van-1", first).exit());
        assertEquals(0, cli("sync", "van-2", second).exit());

        Map<String, ReplicaInfo> fleet = await("both devices on 1.0", f -> rollout(f, "1.0") == 2);
        ReplicaInfo van1 = fleet.get("van-1");
        assertEquals("CREATED", van1.lastOutcome());
        assertTrue(van1.clientVersion() != null && !van1.clientVersion().isBlank(), van1.toString());
        assertTrue(
                cli("status", "van-1", first).out().contains(van1.id()),
                "the id the server knows is the replica's own");

        try (Connection c = stack.connect()) {
            TestLiquibase.update(c, TestLiquibase.MASTER, "2.0");
        }
        assertEquals(0, rollout(fleet(), "2.0"), "nobody has synced the new release yet");
        assertEquals(0, cli("sync", "van-1", first).exit());
        await(
                "1 of 2 on 2.0",
                f -> rollout(f, "2.0") == 1 && "REBUILT".equals(f.get("van-1").lastOutcome()));
        assertEquals(0, cli("sync", "van-2", second).exit());
        await("2 of 2 on 2.0", f -> rollout(f, "2.0") == 2);

        // the application writes; van-1 catches up, van-2 does not
        try (Connection c = stack.connect();
                Statement s = c.createStatement()) {
            s.executeUpdate("update users set display_name = 'renamed' where id <= 5");
        }
        Conditions.await("the change is in the feed", WAIT, () -> {
            try {
                Cli.Run synced = cli("sync", "van-1", first);
                return synced.exit() == 0 && synced.out().contains("changes applied");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Map<String, ReplicaInfo> lagging = await(
                "van-1 current, van-2 behind",
                f -> Long.valueOf(0).equals(f.get("van-1").changesBehind())
                        && f.get("van-2").changesBehind() != null
                        && f.get("van-2").changesBehind() > 0);
        assertEquals(0L, lagging.get("van-1").secondsBehind(), lagging.toString());
        assertTrue(lagging.get("van-2").secondsBehind() >= 0, lagging.toString());

        assertEquals(0, cli("sync", "van-2", second).exit());
        Map<String, ReplicaInfo> caughtUp = await(
                "van-2 caught up", f -> Long.valueOf(0).equals(f.get("van-2").changesBehind()));
        HttpResponse<String> detail = api.get(
                ADMIN + AdminPaths.REPLICAS + "/" + caughtUp.get("van-2").id(), ADMIN_TOKEN);
        assertEquals(200, detail.statusCode(), detail.body());
        List<String> outcomes = JSON.fromJson(detail.body(), ReplicaDetail.class).syncs().stream()
                .map(sync -> sync.report().outcome())
                .toList();
        assertEquals(List.of("UP_TO_DATE", "REBUILT", "CREATED"), outcomes, "van-2's syncs, newest first");
    }

    private CreatedToken create(String json) {
        HttpResponse<String> r = api.postJson(ADMIN + AdminPaths.TOKENS, ADMIN_TOKEN, json);
        assertEquals(201, r.statusCode(), r.body());
        return JSON.fromJson(r.body(), CreatedToken.class);
    }

    /** The fleet by token name. */
    private Map<String, ReplicaInfo> fleet() {
        HttpResponse<String> r = api.get(ADMIN + AdminPaths.REPLICAS, ADMIN_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        List<ReplicaInfo> all = JSON.fromJson(r.body(), REPLICA_LIST);
        return all.stream().collect(Collectors.toMap(ReplicaInfo::tokenName, i -> i, (a, b) -> a));
    }

    /** Waits (the servers write what they saw every few seconds) until the fleet is as {@code wanted}. */
    private Map<String, ReplicaInfo> await(String what, Predicate<Map<String, ReplicaInfo>> wanted)
            throws InterruptedException {
        Map<String, ReplicaInfo>[] last = new Map[1];
        Conditions.await(what, WAIT, () -> {
            last[0] = fleet();
            return last[0].size() == 2 && wanted.test(last[0]);
        });
        return last[0];
    }

    private static long rollout(Map<String, ReplicaInfo> fleet, String tag) {
        return fleet.values().stream().filter(r -> tag.equals(r.tag())).count();
    }

    private Cli.Run cli(String verb, String device, String token) throws Exception {
        Path dir = stack.work().resolve(device);
        return Cli.run(
                stack.runDir(),
                verb,
                "--server",
                stack.server().baseUri().toString(),
                "--token",
                token,
                "--replica",
                dir.toString());
    }
}
