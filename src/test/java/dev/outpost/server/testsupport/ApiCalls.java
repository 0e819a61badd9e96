package dev.outpost.server.testsupport;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/** Plain HTTP calls against a running server, as any client would make them. */
public final class ApiCalls {
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;

    /**
     * The change feed's newest position ({@code changesPath} without {@code after}), once the feed runs:
     * a server that just started may still answer 503 for a while.
     */
    public String awaitFeedPosition(String changesPath, String token) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            HttpResponse<String> r = get(changesPath, token);
            if (r.statusCode() == 200) {
                return ((dev.outpost.protocol.RowLines.End)
                                dev.outpost.protocol.RowLines.parse(r.body().trim()))
                        .next();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the change feed did not come up: " + r.body());
            }
            Thread.sleep(200);
        }
    }

    /** @param base the application's root URL, e.g. {@code http://127.0.0.1:8080/outpost/} */
    public ApiCalls(URI base) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
    }

    public HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    public HttpResponse<String> get(String path, String token) {
        return send(request(path, token).GET().build());
    }

    public HttpResponse<String> postJson(String path, String token, String json) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public HttpResponse<String> putJson(String path, String token, String json) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    public HttpResponse<String> delete(String path, String token) {
        return send(request(path, token).DELETE().build());
    }

    /** POST of any body as {@code application/json}: raw bytes, or a stream sent chunked. */
    public HttpResponse<String> postJson(String path, String token, HttpRequest.BodyPublisher body) {
        return send(request(path, token)
                .header("Content-Type", "application/json")
                .POST(body)
                .build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A POST written by hand on a socket: the headers declare {@code declaredLength} bytes but only the
     * headers are sent, so the answer shows what the server decides from the headers alone.
     *
     * @return the status code and the body of the answer
     */
    public RawAnswer postDeclaringLength(String path, String token, long declaredLength) {
        URI uri = base.resolve(path);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(30_000);
            String head = "POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + declaredLength + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int status = Integer.parseInt(in.readLine().split(" ")[1]);
            int length = 0;
            boolean chunked = false;
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                String header = line.toLowerCase(java.util.Locale.ROOT);
                if (header.startsWith("content-length:")) {
                    length = Integer.parseInt(header.substring(15).trim());
                }
                chunked |= header.matches("transfer-encoding: *chunked");
            }
            StringBuilder body = new StringBuilder();
            for (int size = chunked ? Integer.parseInt(in.readLine().trim(), 16) : length; size > 0; ) {
                char[] part = new char[size];
                for (int read = 0; read < size; ) {
                    int n = in.read(part, read, size - read);
                    if (n < 0) {
                        throw new java.io.EOFException("the answer ended early");
                    }
                    read += n;
                }
                body.append(part);
                if (!chunked) {
                    break;
                }
                in.readLine();
                size = Integer.parseInt(in.readLine().trim(), 16);
            }
            return new RawAnswer(status, body.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Status and body of an answer read by {@link #postDeclaringLength}. */
    public record RawAnswer(int status, String body) {}

    /** GET with {@code Accept-Encoding: gzip}; returns the decoded body and the response. */
    public Decoded getGzip(String path, String token) {
        return getEncoded(path, token, "gzip");
    }

    /** GET with this {@code Accept-Encoding}; returns the body decoded (gzip or zstd) and the response. */
    public Decoded getEncoded(String path, String token, String acceptEncoding) {
        try {
            HttpResponse<InputStream> r = http.send(
                    request(path, token)
                            .header("Accept-Encoding", acceptEncoding)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            String coding = r.headers().firstValue("Content-Encoding").orElse("identity");
            try (InputStream in =
                    switch (coding) {
                        case "gzip" -> new GZIPInputStream(r.body());
                        case "zstd" -> new ZstdInputStream(r.body());
                        default -> r.body();
                    }) {
                return new Decoded(r, coding, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response whose body was read and decoded from its content coding ({@code identity}: none). */
    public record Decoded(HttpResponse<InputStream> response, String coding, String body) {}
}
