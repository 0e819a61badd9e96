package dev.outpost.server.operations;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.ADMIN_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.METRICS_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.WRITE_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.Health;
import dev.outpost.protocol.RowLines;
import dev.outpost.server.testsupport.ApiCalls;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.File;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/**
 * The operations endpoints on a real server: health without a token, metrics in Prometheus' format that move with requests and refuse
 * strangers, and the OpenAPI document matching the deployed endpoints in both directions. Runs on
 * Payara Micro here and on WildFly in the wildfly-it module.
 */
@ExtendWith(ArquillianExtension.class)
public class OperationsIT {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final String LIVE = "api/health/live";
    private static final String READY = "api/health/ready";
    private static final String METRICS = "api/metrics";
    private static final String OPENAPI = "api/openapi.yaml";

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
    void healthAnswersWithoutATokenAndNamesItsChecksOnly() throws Exception {
        HttpResponse<String> live = api.get(LIVE, null);
        assertEquals(200, live.statusCode(), live.body());
        assertEquals(new Health(Health.UP, Map.of()), JSON.fromJson(live.body(), Health.class));
        HttpResponse<String> ready = await(() -> api.get(READY, null), r -> r.statusCode() == 200, 120, "ready");
        assertEquals(
                new Health(Health.UP, Map.of("database", Health.UP, "changelog", Health.UP, "capture", Health.UP)),
                JSON.fromJson(ready.body(), Health.class));
        assertEquals("no-store", ready.headers().firstValue("Cache-Control").orElse(""));
    }

    @Test
    void metricsCountRequestsRowsAndReportsAndRefuseStrangers() throws Exception {
        PrometheusText before = scrape(METRICS_TOKEN);
        assertEquals(401, api.get(METRICS, null).statusCode());
        assertEquals(401, api.get(METRICS, "not-a-token").statusCode());
        assertEquals(403, api.get(METRICS, SYNC_TOKEN).statusCode(), "a replica token does not read metrics");
        assertEquals(200, api.get(METRICS, ADMIN_TOKEN).statusCode(), "an admin token does");
        assertEquals(
                403, api.get("api/sync/version", METRICS_TOKEN).statusCode(), "a metrics token reads nothing else");

        HttpResponse<String> rows = api.get("api/sync/tables/users/rows", SYNC_TOKEN);
        assertEquals(200, rows.statusCode(), rows.body());
        String[] lines = rows.body().split("\n");
        long sent = ((RowLines.End) RowLines.parse(lines[lines.length - 1])).rows();
        UUID replica = UUID.randomUUID();
        assertEquals(204, report(replica, "UP_TO_DATE").statusCode());

        PrometheusText after = scrape(METRICS_TOKEN);
        assertEquals(
                before.value("outpost_http_requests_total{family=\"sync_rows\",status=\"2xx\"}") + 1,
                after.value("outpost_http_requests_total{family=\"sync_rows\",status=\"2xx\"}"));
        assertEquals(
                before.value("outpost_http_requests_total{family=\"metrics\",status=\"4xx\"}") + 3,
                after.value("outpost_http_requests_total{family=\"metrics\",status=\"4xx\"}"),
                "refusals are counted too (no token, a wrong one, a replica's)");
        assertEquals(
                before.value("outpost_streamed_rows_total{stream=\"snapshot\"}") + sent,
                after.value("outpost_streamed_rows_total{stream=\"snapshot\"}"));
        assertEquals(
                before.value("outpost_streamed_bytes_total{stream=\"snapshot\"}")
                        + rows.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length,
                after.value("outpost_streamed_bytes_total{stream=\"snapshot\"}"),
                "uncompressed bytes");
        assertEquals(
                before.value("outpost_sync_reports_total{outcome=\"UP_TO_DATE\"}") + 1,
                after.value("outpost_sync_reports_total{outcome=\"UP_TO_DATE\"}"));
        assertEquals(1, after.value("outpost_database_up"));
        assertTrue(after.has("outpost_feed_capturing") && after.has("outpost_feed_latest_position"));
        // the replica is written to PostgreSQL within seconds; the gauge reads it there
        await(() -> scrape(METRICS_TOKEN), m -> m.value("outpost_replicas_known") >= 1, 30, "replicas known");
    }

    private PrometheusText scrape(String token) {
        HttpResponse<String> r = api.get(METRICS, token);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(
                "text/plain; version=0.0.4; charset=utf-8",
                r.headers().firstValue("Content-Type").orElse("").toLowerCase().replaceAll(";\\s*", "; "));
        return PrometheusText.parse(r.body());
    }

    private HttpResponse<String> report(UUID replica, String outcome) {
        return api.send(api.request("api/sync/reports", SYNC_TOKEN)
                .header("Content-Type", "application/json")
                .header("Outpost-Replica", replica.toString())
                .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"" + outcome + "\"}"))
                .build());
    }

    @Test
    @SuppressWarnings("unchecked")
    void openApiDocumentDescribesExactlyTheDeployedEndpoints() throws Exception {
        assertEquals(401, api.get(OPENAPI, null).statusCode(), "a description for token holders only");
        HttpResponse<String> r = api.get(OPENAPI, METRICS_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> doc = new Yaml().load(r.body());
        assertTrue(doc.get("openapi").toString().startsWith("3."), "an OpenAPI 3 document");
        Map<String, Map<String, Object>> paths = (Map<String, Map<String, Object>>) doc.get("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, item) -> item.keySet().stream()
                .filter(k -> Set.of("get", "put", "post", "delete", "patch", "head", "options")
                        .contains(k))
                .forEach(k -> documented.add(k.toUpperCase() + " " + path.substring(1))));

        Set<String> deployed = ResourceMethods.of(new File(System.getProperty("outpost.war")));
        assertEquals(deployed, documented, "the document lists every resource method of the WAR, and only those");

        Fixtures fixtures = new Fixtures();
        List<String> wrong = new ArrayList<>();
        List<String> ordered = new ArrayList<>(documented);
        ordered.sort((a, b) -> Boolean.compare(a.startsWith("DELETE"), b.startsWith("DELETE")));
        for (String operation : ordered) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = fixtures.fill(operation.substring(operation.indexOf(' ') + 1));
            HttpRequest.Builder request = api.request("api/" + path, tokenFor(path));
            if (Set.of("POST", "PUT", "PATCH").contains(method)) {
                request.header("Content-Type", "application/json")
                        .header("Outpost-Replica", UUID.randomUUID().toString())
                        .method(method, HttpRequest.BodyPublishers.ofString("{}"));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            int status = api.send(request.build()).statusCode();
            if (status == 404 || status == 405 || status == 401 || status == 403) {
                wrong.add(operation + " -> " + status);
            }
        }
        assertEquals(List.of(), wrong, "each documented operation answers with its token");
    }

    private static String tokenFor(String path) {
        if (path.startsWith("admin/")) {
            return ADMIN_TOKEN;
        }
        if (path.startsWith("sync/")) {
            return SYNC_TOKEN;
        }
        if (path.startsWith("companies") || path.startsWith("users")) {
            return WRITE_TOKEN;
        }
        return path.startsWith("health/") ? null : METRICS_TOKEN;
    }

    /** Existing entities for every path parameter, so that a 404 can only mean a missing endpoint. */
    private final class Fixtures {
        private final long company;
        private final long user;
        private final long token;
        private final UUID replica = UUID.randomUUID();
        private final String tag;

        Fixtures() throws Exception {
            String name = "ops-" + System.nanoTime();
            company = id(api.postJson("api/companies", WRITE_TOKEN, "{\"name\":\"" + name + "\"}"));
            user = id(api.postJson(
                    "api/users",
                    WRITE_TOKEN,
                    "{\"companyId\":" + company + ",\"email\":\"" + name + "@example.org\",\"displayName\":\"x\"}"));
            HttpResponse<String> created =
                    api.postJson("api/admin/tokens", ADMIN_TOKEN, "{\"name\":\"" + name + "\",\"role\":\"replica\"}");
            assertEquals(201, created.statusCode(), created.body());
            token = JSON.fromJson(created.body(), dev.outpost.protocol.CreatedToken.class)
                    .token()
                    .id();
            assertEquals(204, report(replica, "CREATED").statusCode());
            await(
                    () -> api.get("api/admin/replicas/" + replica, ADMIN_TOKEN),
                    x -> x.statusCode() == 200,
                    30,
                    "the reporting replica stored");
            Object t = JSON.fromJson(api.get("api/sync/version", SYNC_TOKEN).body(), Map.class)
                    .get("tag");
            tag = t == null ? "none" : t.toString();
        }

        private long id(HttpResponse<String> created) {
            assertEquals(201, created.statusCode(), created.body());
            return ((Number) JSON.fromJson(created.body(), Map.class).get("id")).longValue();
        }

        String fill(String path) {
            String id = path.startsWith("companies")
                    ? Long.toString(company)
                    : path.startsWith("users") ? Long.toString(user) : Long.toString(token);
            return path.replace("{table}", "users")
                    .replace("{id}", id)
                    .replace("{replica}", replica.toString())
                    .replace("{tag}", tag);
        }
    }

    static <T> T await(Supplier<T> probe, Predicate<T> done, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what + "; last: " + last);
            }
            Thread.sleep(200);
            last = probe.get();
        }
        return last;
    }
}
