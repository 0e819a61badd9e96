package dev.outpost.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Before any load, checks through nginx that the version micro-cache of {@code
 * server-config/nginx/outpost.conf} does what {@code server-config/README.md} promises, and fails the
 * bench if not: a {@code 200} with an ETag, a matching {@code If-None-Match} answered {@code 304} by
 * nginx from its cache (header {@code X-Outpost-Cache: HIT}), every request with a wrong or without a
 * token answered {@code 401} right after the right token's answer was cached, and a new version visible
 * through nginx within the bound (server's max age + the cache's lifetime).
 */
final class ProxyCacheCheck {
    /** Server read at most 1 s old + nginx entry at most 2 s old (whole-second clock) + slack. */
    private static final Duration NEW_VERSION_LIMIT = Duration.ofSeconds(4);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI version;
    private final String token;

    ProxyCacheCheck(URI version, String token) {
        this.version = version;
        this.token = token;
    }

    /**
     * Runs the checks; {@code changeVersion} makes the server's version change (e.g. a new table).
     * Returns the ETag of the new version.
     */
    String run(Action changeVersion) throws Exception {
        HttpResponse<String> first = get("Bearer " + token, null);
        String etag = first.headers().firstValue("ETag").orElse(null);
        expect(first.statusCode() == 200 && etag != null, "the right token got " + describe(first));
        boolean fromCache = false;
        for (int i = 0; i < 5 && !fromCache; i++) {
            HttpResponse<String> again = get("Bearer " + token, etag);
            expect(again.statusCode() == 304, "a matching If-None-Match got " + describe(again));
            fromCache = "HIT".equals(cacheStatus(again));
        }
        expect(fromCache, "no 304 came from nginx's cache (X-Outpost-Cache: HIT) in 5 tries");
        int refused = 0;
        for (String authorization : new String[] {"Bearer not-" + token, "Bearer " + token + "x", null}) {
            for (String ifNoneMatch : new String[] {null, etag}) {
                HttpResponse<String> wrong = get(authorization, ifNoneMatch);
                expect(
                        wrong.statusCode() == 401 && !"HIT".equals(cacheStatus(wrong)),
                        "Authorization " + authorization + " right after the right token's answer was cached got "
                                + describe(wrong));
                refused++;
            }
        }
        expect(get("Bearer " + token, etag).statusCode() == 304, "the right token lost its 304");
        long changed = System.nanoTime();
        changeVersion.run();
        String next = etag;
        while (next.equals(etag)) {
            expect(
                    System.nanoTime() - changed < NEW_VERSION_LIMIT.toNanos(),
                    "a new version did not show through nginx within " + NEW_VERSION_LIMIT);
            HttpResponse<String> poll = get("Bearer " + token, etag);
            if (poll.statusCode() == 200) {
                next = poll.headers().firstValue("ETag").orElse(etag);
            } else {
                expect(poll.statusCode() == 304, "while waiting for the new version: " + describe(poll));
                Thread.sleep(20);
            }
        }
        System.out.printf(
                "nginx check: 200 with ETag, 304 from nginx's cache, %d requests with a wrong or no token right"
                        + " after all 401 (none from the cache), a new version visible through nginx after %d ms"
                        + " (bound: server 1 s + cache 1-2 s)%n",
                refused, Duration.ofNanos(System.nanoTime() - changed).toMillis());
        return next;
    }

    /** Something that changes the server's version. */
    interface Action {
        void run() throws Exception;
    }

    private HttpResponse<String> get(String authorization, String ifNoneMatch)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(version).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String cacheStatus(HttpResponse<?> response) {
        return response.headers().firstValue("X-Outpost-Cache").orElse("");
    }

    private static String describe(HttpResponse<String> response) {
        return response.statusCode() + " (X-Outpost-Cache: " + cacheStatus(response) + ", ETag "
                + response.headers().firstValue("ETag").orElse("none") + ")";
    }

    private static void expect(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException("nginx micro-cache check failed: " + failure);
        }
    }
}
