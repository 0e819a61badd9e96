package dev.outpost.bench;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.VersionInfo;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.client.ClientBuilder;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.net.URI;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.client.ClientProperties;

/**
 * The JAX-RS Client API through Jersey as a team would set it up: {@code ClientBuilder} with its
 * default connector ({@code HttpURLConnection}), JSON-B found on the classpath, the same headers.
 */
final class JerseyTransport implements HttpTransport {
    private final Client client = ClientBuilder.newBuilder()
            .connectTimeout(HttpClientBench.CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .readTimeout(HttpClientBench.REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .property(ClientProperties.FOLLOW_REDIRECTS, true)
            .build();
    private final String replica = UUID.randomUUID().toString();
    private final String clientVersion = HttpClientBench.clientVersion();

    @Override
    public String name() {
        return HttpClientBench.JERSEY;
    }

    private Invocation.Builder request(URI uri, String accept, boolean compress) {
        Invocation.Builder builder = client.target(uri)
                .request()
                .header("Authorization", "Bearer " + HttpClientBench.TOKEN)
                .header(SyncPaths.CLIENT_HEADER, clientVersion)
                .header(SyncPaths.REPLICA_HEADER, replica)
                .header("Accept", accept + ", " + MediaTypes.PROBLEM_JSON);
        if (compress) {
            builder.header("Accept-Encoding", "zstd, gzip");
        }
        return builder;
    }

    @Override
    public HttpAnswer get(URI uri, String accept, boolean compress) {
        Response response = request(uri, accept, compress).get();
        InputStream body = response.readEntity(InputStream.class);
        return new HttpAnswer() {
            @Override
            public int status() {
                return response.getStatus();
            }

            @Override
            public String header(String name) {
                return response.getHeaderString(name);
            }

            @Override
            public String encoding() {
                String e = response.getHeaderString("Content-Encoding");
                return e == null ? "" : e;
            }

            @Override
            public String protocol() {
                return "HTTP/1.1";
            }

            @Override
            public InputStream body() {
                return body;
            }

            @Override
            public void close() {
                response.close();
            }
        };
    }

    @Override
    public VersionInfo version(URI uri) {
        try (Response response = request(uri, "application/json", false).get()) {
            if (response.getStatus() != 200) {
                throw new IllegalStateException("version: HTTP " + response.getStatus());
            }
            return response.readEntity(VersionInfo.class);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
