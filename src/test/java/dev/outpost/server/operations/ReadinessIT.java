package dev.outpost.server.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.Health;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness through a PostgreSQL outage: the session's PostgreSQL is stopped and started again on the
 * same port, and readiness answers 503 in time while it is gone and 200 within seconds once it is back:
 * the pool drops the connections the restart broke by itself (on Payara web.xml's validating pool, on
 * WildFly the one {@code server-config/wildfly/configure.cli} creates).
 */
@ExtendWith(ArquillianExtension.class)
public class ReadinessIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String LIVE = "api/health/live";
    private static final String READY = "api/health/ready";

    /**
     * How soon readiness must be back once PostgreSQL is. The pool checks a connection before handing it
     * out, so the next check (answers are reused for at most a second) already gets a working one; the
     * rest is room for a busy machine.
     */
    private static final int RECOVERY_SECONDS = 30;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")));
    }

    @ArquillianResource
    private URL base;

    private ApiCalls api;

    @BeforeEach
    void client() throws Exception {
        api = new ApiCalls(base.toURI());
    }

    @Test
    void readinessFollowsPostgresDownAndUpWithoutATokenAndWithoutDetails() throws Exception {
        HttpResponse<String> live = api.get(LIVE, null);
        assertEquals(200, live.statusCode(), live.body());
        assertEquals(new Health(Health.UP, Map.of()), JSON.fromJson(live.body(), Health.class));

        HttpResponse<String> ready =
                OperationsIT.await(() -> api.get(READY, null), r -> r.statusCode() == 200, 120, "ready");
        Health up = JSON.fromJson(ready.body(), Health.class);
        assertEquals(Health.UP, up.status());
        assertEquals(
                Map.of("database", Health.UP, "changelog", Health.UP, "capture", Health.UP), up.checks(), ready.body());
        assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(""));

        EmbeddedPostgresSession.stopPostgres();
        try {
            HttpResponse<String> down =
                    OperationsIT.await(() -> timed(READY), r -> r.statusCode() == 503, 60, "not ready");
            Health health = JSON.fromJson(down.body(), Health.class);
            assertEquals(Health.DOWN, health.status());
            assertEquals(Health.DOWN, health.checks().get("database"), down.body());
            assertEquals(
                    Set.of("database", "changelog", "capture"), health.checks().keySet());
            assertTrue(down.body().matches("[{}\\[\\]\":,A-Za-z]*"), "names and UP/DOWN only: " + down.body());
            for (int i = 0; i < 3; i++) {
                assertEquals(503, timed(READY).statusCode(), "stays down, answered in time");
            }
            assertEquals(200, api.get(LIVE, null).statusCode(), "alive without its database");
        } finally {
            EmbeddedPostgresSession.startPostgres();
        }
        long returned = System.nanoTime();
        HttpResponse<String> back = OperationsIT.await(
                () -> api.get(READY, null), r -> r.statusCode() == 200, RECOVERY_SECONDS, "ready again");
        System.out.printf(
                "readiness answered 200 %d ms after PostgreSQL was back%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned));
        assertEquals(Health.UP, JSON.fromJson(back.body(), Health.class).status());
    }

    /** A readiness request, which must be answered within a few seconds even while PostgreSQL is gone. */
    private HttpResponse<String> timed(String path) {
        long start = System.nanoTime();
        HttpResponse<String> r = api.get(path, null);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis < 5_000, path + " took " + millis + " ms");
        return r;
    }
}
