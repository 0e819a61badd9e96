package dev.outpost.cli;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.SyncPaths;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls the server's admin API ({@code /api/admin/...}) with an admin token; a problem answer becomes
 * an {@link OutpostException} carrying the server's detail (401 and 403: authentication failed).
 */
final class AdminClient {
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI admin;
    private final String token;

    AdminClient(URI server, String token) {
        if (server == null) {
            throw new OutpostException(ErrorCode.CONFIG_INVALID, "--server (or OUTPOST_SERVER) is required");
        }
        if (token == null || token.isBlank()) {
            throw new OutpostException(
                    ErrorCode.CONFIG_INVALID, "--token (or OUTPOST_ADMIN_TOKEN) is required: an admin token");
        }
        String root = server.toString().endsWith("/") ? server.toString() : server + "/";
        this.admin = URI.create(root + SyncPaths.API_ROOT + "/" + AdminPaths.ADMIN + "/");
        this.token = token;
    }

    <T> T get(String path, Type type) {
        return JSON.fromJson(send(request(path).GET(), path), type);
    }

    <T> T send(String method, String path, String json, Type type) {
        HttpRequest.BodyPublisher body = json == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8);
        return JSON.fromJson(
                send(request(path).header("Content-Type", "application/json").method(method, body), path), type);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(admin.resolve(path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
    }

    private String send(HttpRequest.Builder request, String path) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new OutpostException(
                    ErrorCode.SERVER_UNREACHABLE, "cannot reach " + admin.resolve(path) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        String detail = detail(response);
        if (status == 401 || status == 403) {
            throw new OutpostException(
                    ErrorCode.AUTHENTICATION_FAILED,
                    (status == 403 ? "the token is not an admin token: " : "the token was refused: ") + detail);
        }
        throw new OutpostException(ErrorCode.SERVER_ERROR, "the server answered " + status + ": " + detail);
    }

    private static String detail(HttpResponse<String> response) {
        try {
            Problem problem = JSON.fromJson(response.body(), Problem.class);
            if (problem != null && problem.detail() != null) {
                return problem.detail();
            }
        } catch (RuntimeException e) {
            // not a problem body: show its start below
        }
        String body = response.body() == null ? "" : response.body().strip();
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }
}
