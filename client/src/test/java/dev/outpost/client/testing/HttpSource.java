package dev.outpost.client.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.SyncReport;
import io.airlift.compress.zstd.ZstdOutputStream;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Serves a {@link ReplicaSource} over HTTP on a free loopback port, at the sync paths and in the
 * formats of the server, for a client that knows only a server URL: version, schema, row pages (zstd
 * when asked for), table digests and sync reports. It runs no change feed: {@code changes} is answered as a server
 * without one answers it.
 */
public final class HttpSource implements AutoCloseable {
    private final ReplicaSource source;
    private final HttpServer server;
    private final Jsonb jsonb = JsonbBuilder.create();

    public HttpSource(ReplicaSource source) throws IOException {
        this.source = source;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/outpost/" + SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/", this::answer);
        server.start();
    }

    /** The server application's root, as a replica is configured with. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/outpost/");
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI()
                    .getRawPath()
                    .substring(exchange.getHttpContext().getPath().length());
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (path.equals(SyncPaths.VERSION)) {
                send(exchange, "application/json", null, jsonb.toJson(source.version()));
            } else if (path.equals(SyncPaths.SCHEMA)) {
                send(exchange, "application/json", null, jsonb.toJson(source.schema()));
            } else if (path.equals(SyncPaths.REPORTS)) {
                source.report(jsonb.fromJson(exchange.getRequestBody(), SyncReport.class));
                exchange.sendResponseHeaders(204, -1);
            } else if (path.startsWith("tables/") && path.endsWith("/rows")) {
                String table = table(path, "/rows");
                int limit = Integer.parseInt(query.get(SyncPaths.LIMIT_PARAM));
                try (ReplicaSource.PageStream page = source.openPage(table, query.get(SyncPaths.AFTER_PARAM), limit)) {
                    StringBuilder body = new StringBuilder();
                    for (String line = page.lines().readLine();
                            line != null;
                            line = page.lines().readLine()) {
                        body.append(line).append('\n');
                    }
                    send(exchange, MediaTypes.NDJSON, page.next(), body.toString());
                }
            } else if (path.equals(SyncPaths.CHANGES)) {
                Problem none = Problem.of(ProblemType.UNAVAILABLE, "no change feed (test)");
                exchange.getResponseHeaders().set("Content-Type", MediaTypes.PROBLEM_JSON);
                byte[] body = jsonb.toJson(none).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(none.status(), body.length);
                exchange.getResponseBody().write(body);
            } else if (path.startsWith("tables/") && path.endsWith("/digest")) {
                send(exchange, "application/json", null, jsonb.toJson(source.digest(table(path, "/digest"))));
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private static String table(String path, String suffix) {
        return URLDecoder.decode(
                path.substring("tables/".length(), path.length() - suffix.length()), StandardCharsets.UTF_8);
    }

    /** Sends {@code body}, zstd-compressed when the request accepts it, as the server does. */
    private static void send(HttpExchange exchange, String type, String nextPage, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String accepted = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if (accepted != null && accepted.contains("zstd")) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream zstd = new ZstdOutputStream(compressed)) {
                zstd.write(bytes);
            }
            bytes = compressed.toByteArray();
            exchange.getResponseHeaders().set("Content-Encoding", "zstd");
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        if (nextPage != null) {
            exchange.getResponseHeaders().set(SyncPaths.NEXT_PAGE_HEADER, nextPage);
        }
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    @Override
    public void close() throws Exception {
        server.stop(0);
        jsonb.close();
    }
}
