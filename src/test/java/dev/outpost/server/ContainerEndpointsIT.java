package dev.outpost.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Only Outpost's own endpoints answer: the server's MicroProfile endpoints (metrics, health,
 * OpenAPI) are switched off or need credentials, as the shipped {@code server-config/} leaves them.
 * On Payara Micro they would share the application's port; on WildFly they live on the management
 * port, which the wildfly-it module publishes as {@code wildfly.managementPort}.
 */
@ExtendWith(ArquillianExtension.class)
public class ContainerEndpointsIT {
    private static final List<String> CONTAINER_PATHS =
            List.of("/metrics", "/metrics/base", "/openapi", "/health", "/health/ready", "/health/live");
    private static final Set<Integer> CLOSED = Set.of(401, 403, 404);

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")));
    }

    @ArquillianResource
    private URL base;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void containerEndpointsAreClosedOnTheApplicationPort() throws Exception {
        assertClosed(base.toURI());
    }

    @Test
    void containerEndpointsAreClosedOnTheManagementPortIfTheServerHasOne() throws Exception {
        String management = System.getProperty("wildfly.managementPort");
        if (management != null) {
            assertClosed(URI.create("http://127.0.0.1:" + management + "/"));
        }
    }

    private void assertClosed(URI server) throws Exception {
        for (String path : CONTAINER_PATHS) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(server.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(
                    CLOSED.contains(r.statusCode()),
                    path + " on " + server + " answered " + r.statusCode() + ": " + r.body());
        }
    }
}
