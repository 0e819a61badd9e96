package dev.outpost.bench;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.VersionInfo;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * The client library's way: {@code sendAsync} and a wait for the headers, the body as a stream. The
 * library leaves the protocol version at the JDK's default, HTTP/2 (over plain HTTP by an upgrade
 * on the first request, which Payara Micro accepts); pinned to HTTP/1.1 it shows what HTTP/2 costs.
 */
final class JdkTransport implements HttpTransport {
    private final String name;
    private final HttpClient http;
    private final Jsonb jsonb = JsonbBuilder.create();
    private final String replica = UUID.randomUUID().toString();
    private final String clientVersion = HttpClientBench.clientVersion();

    JdkTransport(String name, HttpClient.Version version) {
        this.name = name;
        this.http = HttpClient.newBuilder()
                .version(version)
                .connectTimeout(HttpClientBench.CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HttpAnswer get(URI uri, String accept, boolean compress) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + HttpClientBench.TOKEN)
                .header(SyncPaths.CLIENT_HEADER, clientVersion)
                .header(SyncPaths.REPLICA_HEADER, replica)
                .GET()
                .timeout(HttpClientBench.REQUEST_TIMEOUT)
                .header("Accept", accept + ", " + MediaTypes.PROBLEM_JSON);
        if (compress) {
            builder.header("Accept-Encoding", "zstd, gzip");
        }
        HttpResponse<InputStream> response;
        try {
            response = http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofInputStream())
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause());
        }
        return new HttpAnswer() {
            @Override
            public int status() {
                return response.statusCode();
            }

            @Override
            public String header(String name) {
                return response.headers().firstValue(name).orElse(null);
            }

            @Override
            public String encoding() {
                return response.headers().firstValue("Content-Encoding").orElse("");
            }

            @Override
            public String protocol() {
                return response.version() == HttpClient.Version.HTTP_2 ? "HTTP/2" : "HTTP/1.1";
            }

            @Override
            public InputStream body() {
                return response.body();
            }

            @Override
            public void close() {
                try {
                    response.body().close();
                } catch (IOException e) {
                    // already read to its end
                }
            }
        };
    }

    @Override
    public VersionInfo version(URI uri) throws IOException {
        try (HttpAnswer answer = get(uri, "application/json", false);
                InputStream body = answer.body()) {
            if (answer.status() != 200) {
                throw new IllegalStateException("version: HTTP " + answer.status());
            }
            return jsonb.fromJson(body, VersionInfo.class);
        }
    }

    @Override
    public void close() throws Exception {
        jsonb.close();
    }
}
