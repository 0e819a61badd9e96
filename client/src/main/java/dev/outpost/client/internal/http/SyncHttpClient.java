package dev.outpost.client.internal.http;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.Problem;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.SyncReport;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.VersionInfo;
import io.airlift.compress.zstd.ZstdInputStream;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's sync API. Sends {@code Authorization: Bearer} on every request, and {@code
 * Accept-Encoding: zstd, gzip} as {@link ReplicaConfig.Compression} says (by default unless the server
 * is on this machine, a loopback address: compressing for the loopback interface only costs both
 * processes time), and decodes either itself (zstd with a pure-Java decoder). Failures map to codes here, in one place: no connection,
 * timeouts, broken or stalled streams ({@link StallWatch}) and 503 (retry later) are {@link ErrorCode#SERVER_UNREACHABLE}; 401/403 {@link
 * ErrorCode#AUTHENTICATION_FAILED}; other problem responses {@link ErrorCode#SERVER_ERROR} with the
 * problem's detail; an unreadable document {@link ErrorCode#PROTOCOL_ERROR}; a request ended by {@link
 * #stopRequests()} {@link ErrorCode#STOPPED}. Every request names the
 * replica ({@link SyncPaths#REPLICA_HEADER}) and the client's version ({@link SyncPaths#CLIENT_HEADER}),
 * so that the server knows each replica, when it was last seen and where it stands.
 */
public final class SyncHttpClient implements ReplicaSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SyncHttpClient.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** Longest time a sync report may take, connection included: it is sent after the sync, inline. */
    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(2);

    private final URI base;
    private final String token;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Jsonb jsonb = JsonbBuilder.create();
    private final AtomicLong bytes = new AtomicLong();
    private final boolean compress;
    private final StallWatch stallWatch;
    private final String replicaId;
    /** Requests waiting for their answer's headers, cancelled by {@link #stopRequests()}. */
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();

    private volatile boolean stopped;
    /** The last {@link #feedPosition()} answer, which pages name; -1 before there is one. */
    private volatile long snapshotPosition = -1;
    /** The changes request sent ahead, if any ({@link #expectChanges}). */
    private final AtomicReference<Expected> expected = new AtomicReference<>();
    /** Whether the last report failed: a failure is logged at INFO once, until a report goes through. */
    private final AtomicBoolean reportsFailing = new AtomicBoolean();

    /** A client that names no replica, for a look at the server without a replica (checks, tests). */
    public SyncHttpClient(URI base, String token, Duration connectTimeout, Duration requestTimeout) {
        this(base, token, connectTimeout, requestTimeout, null, ReplicaConfig.Compression.AUTO);
    }

    /**
     * A client of the server whose application root is {@code base} (ending with {@code /}).
     *
     * @param requestTimeout time allowed for a response to start, and for each read of an answer's
     *     body to get its next bytes ({@link StallWatch})
     * @param replicaId the replica's id, sent with every request ({@code null}: the header is left out)
     * @param compression whether answers are asked for compressed ({@link ReplicaConfig.Compression#AUTO}:
     *     unless the server is on a loopback address)
     */
    public SyncHttpClient(
            URI base,
            String token,
            Duration connectTimeout,
            Duration requestTimeout,
            UUID replicaId,
            ReplicaConfig.Compression compression) {
        this.base = base;
        this.token = token;
        this.replicaId = replicaId == null ? null : replicaId.toString();
        this.requestTimeout = requestTimeout;
        this.compress = switch (compression) {
            case AUTO -> !isLoopback(base);
            case ALWAYS -> true;
            case NEVER -> false;};
        this.stallWatch = new StallWatch(requestTimeout);
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    @Override
    public VersionInfo version() {
        return getJson(SyncPaths.SYNC + "/" + SyncPaths.VERSION, VersionInfo.class);
    }

    @Override
    public SchemaInfo schema() {
        return getJson(SyncPaths.SYNC + "/" + SyncPaths.SCHEMA, SchemaInfo.class);
    }

    @Override
    public PageStream openPage(String table, List<String> columns, String after, int limit) {
        String encodedTable = URLEncoder.encode(table, StandardCharsets.UTF_8).replace("+", "%20");
        StringBuilder path = new StringBuilder(SyncPaths.tableRows(encodedTable))
                .append('?')
                .append(SyncPaths.LIMIT_PARAM)
                .append('=')
                .append(limit);
        if (after != null) {
            path.append('&')
                    .append(SyncPaths.AFTER_PARAM)
                    .append('=')
                    .append(URLEncoder.encode(after, StandardCharsets.UTF_8));
        }
        if (snapshotPosition >= 0) {
            path.append('&').append(SyncPaths.POSITION_PARAM).append('=').append(snapshotPosition);
        }
        for (String column : columns) {
            path.append('&')
                    .append(SyncPaths.COLUMN_PARAM)
                    .append('=')
                    .append(URLEncoder.encode(column, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        Answer answer = send(uri(path.toString()), MediaTypes.NDJSON, Duration.ZERO);
        return new PageStream(
                new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8), 1 << 16),
                answer.headers().firstValue(SyncPaths.NEXT_PAGE_HEADER).orElse(null),
                estimate(answer.headers().firstValue(SyncPaths.ESTIMATED_ROWS_HEADER)));
    }

    /** The server's estimate of a table's rows; a value that is not a count is no estimate (it is only shown). */
    private static OptionalLong estimate(Optional<String> header) {
        try {
            long rows = header.map(Long::parseLong).orElse(-1L);
            return rows >= 0 ? OptionalLong.of(rows) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public long feedPosition() {
        snapshotPosition = -1; // a server without a feed (any more) gets pages that name none
        String next = changes(null, 1, 0, null, lines -> {
                    try {
                        String line = lines.readLine();
                        if (line != null && RowLines.parse(line) instanceof RowLines.End end && end.next() != null) {
                            return end;
                        }
                    } catch (IOException | IllegalArgumentException e) {
                        throw new OutpostException(
                                ErrorCode.PROTOCOL_ERROR, "Unreadable feed position: " + e.getMessage(), e);
                    }
                    throw new OutpostException(ErrorCode.PROTOCOL_ERROR, "The feed's answer has no position");
                })
                .next();
        try {
            snapshotPosition = Long.parseLong(next);
            return snapshotPosition;
        } catch (NumberFormatException e) {
            throw new OutpostException(ErrorCode.PROTOCOL_ERROR, "The feed's position is not a number: " + next);
        }
    }

    @Override
    public RowLines.End changes(long after, int limit, int waitSeconds, String schemaFingerprint, PageReader reader) {
        return changes(Long.toString(after), limit, waitSeconds, schemaFingerprint, reader);
    }

    private RowLines.End changes(
            String after, int limit, int waitSeconds, String schemaFingerprint, PageReader reader) {
        URI uri = changesUri(after, limit, waitSeconds, schemaFingerprint);
        CompletableFuture<HttpResponse<InputStream>> ahead = expected(uri);
        Answer answer = ahead != null
                ? answer(uri, awaited(uri, ahead))
                : send(uri, MediaTypes.NDJSON, Duration.ofSeconds(waitSeconds));
        lastChangesComplete =
                answer.headers().firstValue("Cache-Control").orElse("").contains("immutable");
        try (InputStream body = answer.body();
                BufferedReader lines =
                        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16)) {
            return reader.read(lines);
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    private URI changesUri(String after, int limit, int waitSeconds, String schemaFingerprint) {
        StringBuilder path = new StringBuilder(SyncPaths.SYNC + "/" + SyncPaths.CHANGES)
                .append('?')
                .append(SyncPaths.LIMIT_PARAM)
                .append('=')
                .append(limit);
        if (after != null) {
            path.append('&').append(SyncPaths.AFTER_PARAM).append('=').append(after);
        }
        if (waitSeconds > 0) {
            path.append('&').append(SyncPaths.WAIT_PARAM).append('=').append(waitSeconds);
        }
        if (schemaFingerprint != null) {
            path.append('&')
                    .append(SyncPaths.SCHEMA_PARAM)
                    .append('=')
                    .append(URLEncoder.encode(schemaFingerprint, StandardCharsets.UTF_8));
        }
        return uri(path.toString());
    }

    @Override
    public boolean lastChangesComplete() {
        return lastChangesComplete;
    }

    @Override
    public TableDigest digest(String table) {
        String encodedTable = URLEncoder.encode(table, StandardCharsets.UTF_8).replace("+", "%20");
        return getJson(SyncPaths.tableDigest(encodedTable), TableDigest.class);
    }

    @Override
    public void report(SyncReport report) {
        if (stopped) {
            return; // a sync cut short by a stop is not reported: the stop does not wait for the server
        }
        URI uri = uri(SyncPaths.SYNC + "/" + SyncPaths.REPORTS);
        Duration timeout = REPORT_TIMEOUT.compareTo(requestTimeout) < 0 ? REPORT_TIMEOUT : requestTimeout;
        HttpRequest request = headers(HttpRequest.newBuilder(uri))
                .POST(HttpRequest.BodyPublishers.ofString(jsonb.toJson(report), StandardCharsets.UTF_8))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", MediaTypes.PROBLEM_JSON)
                .build();
        String failure;
        try {
            int status =
                    sent(uri, request, HttpResponse.BodyHandlers.discarding()).statusCode();
            failure = status / 100 == 2 ? null : "HTTP " + status;
        } catch (OutpostException e) {
            failure = e.getMessage();
        }
        if (failure == null) {
            reportsFailing.set(false);
        } else if (reportsFailing.compareAndSet(false, true)) {
            LOG.info("The server did not take the sync report ({}); syncs go on without reports", failure);
        } else {
            LOG.debug("The server did not take the sync report ({})", failure);
        }
    }

    @Override
    public long bytesReceived() {
        return bytes.get();
    }

    @Override
    public void close() {
        dropExpected(expected.getAndSet(null));
        stallWatch.close();
        try {
            jsonb.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends the changes request {@link #changes} will make next, so that its answer travels while the
     * caller finishes what it is doing; the call that asks for the same changes within the request
     * timeout takes it. Any other changes request first drops it (read or not, the feed's answers
     * never change what they say, so one asked a little early is only a little shorter).
     */
    @Override
    public void expectChanges(long after, int limit, String schemaFingerprint) {
        URI uri = changesUri(Long.toString(after), limit, 0, schemaFingerprint);
        CompletableFuture<HttpResponse<InputStream>> sending = http.sendAsync(
                request(uri, MediaTypes.NDJSON, Duration.ZERO), HttpResponse.BodyHandlers.ofInputStream());
        inFlight.add(sending);
        dropExpected(expected.getAndSet(new Expected(uri, sending, System.nanoTime())));
    }

    /** The answer sent ahead for {@code uri} if it is still fresh; drops any other. */
    private CompletableFuture<HttpResponse<InputStream>> expected(URI uri) {
        Expected ahead = expected.getAndSet(null);
        if (ahead != null && ahead.uri().equals(uri) && System.nanoTime() - ahead.sentAt() < requestTimeout.toNanos()) {
            return ahead.answer();
        }
        dropExpected(ahead);
        return null;
    }

    private void dropExpected(Expected ahead) {
        if (ahead != null) {
            inFlight.remove(ahead.answer());
            ahead.answer().whenComplete((response, failure) -> {
                if (response != null) {
                    closeQuietly(response.body());
                }
            });
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            LOG.debug("Closing an answer not read failed", e);
        }
    }

    /** A changes request sent ahead ({@link #expectChanges}). */
    private record Expected(URI uri, CompletableFuture<HttpResponse<InputStream>> answer, long sentAt) {}

    private <T> T getJson(String path, Class<T> type) {
        URI uri = uri(path);
        try (InputStream body = send(uri, "application/json", Duration.ZERO).body()) {
            return jsonb.fromJson(body, type);
        } catch (JsonbException e) {
            throw new OutpostException(
                    ErrorCode.PROTOCOL_ERROR, "Unreadable answer from " + uri + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    /** A 200 answer: its body, decoded, and its headers. */
    private record Answer(InputStream body, HttpHeaders headers) {}

    /** Whether the last changes answer was a complete range of the history ({@link #lastChangesComplete()}). */
    private volatile boolean lastChangesComplete;

    /**
     * Sends a GET and returns the 200 answer, its body decoded; any other status is thrown.
     *
     * @param held how long the server may hold the answer back on purpose (a long poll), on top of the
     *     request timeout
     */
    private Answer send(URI uri, String accept, Duration held) {
        return answer(uri, sent(uri, request(uri, accept, held), HttpResponse.BodyHandlers.ofInputStream()));
    }

    private HttpRequest request(URI uri, String accept, Duration held) {
        HttpRequest.Builder builder = headers(HttpRequest.newBuilder(uri))
                .GET()
                .timeout(requestTimeout.plus(held))
                .header("Accept", accept + ", " + MediaTypes.PROBLEM_JSON);
        if (compress) {
            builder.header("Accept-Encoding", "zstd, gzip");
        }
        return builder.build();
    }

    /** The 200 answer {@code response}, its body watched and decoded; any other status is thrown. */
    private Answer answer(URI uri, HttpResponse<InputStream> response) {
        try {
            InputStream watched = stallWatch.watch(response.body());
            if (stopped) { // after watching: either this sees the stop, or stopRequests() ends the body
                watched.close();
                throw stopped(uri);
            }
            InputStream body = decoded(
                    response.headers().firstValue("Content-Encoding").orElse(""),
                    new CountingInputStream(watched, bytes));
            if (response.statusCode() == 200) {
                return new Answer(body, response.headers());
            }
            try (InputStream error = body) {
                throw failure(uri, response, new String(error.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw unreachable(uri, e);
        }
    }

    /**
     * Sends a request and waits for its answer's headers; {@link #stopRequests()} cancels the wait (and
     * the exchange) at once.
     */
    private <T> HttpResponse<T> sent(URI uri, HttpRequest request, HttpResponse.BodyHandler<T> body) {
        CompletableFuture<HttpResponse<T>> sending = http.sendAsync(request, body);
        inFlight.add(sending);
        return awaited(uri, sending);
    }

    /** Waits for the headers of {@code sending}, a request in {@link #inFlight}, and takes it out of it. */
    private <T> HttpResponse<T> awaited(URI uri, CompletableFuture<HttpResponse<T>> sending) {
        try {
            if (stopped) { // after adding: either this sees the stop, or stopRequests() sees the request
                sending.cancel(true);
            }
            return sending.get();
        } catch (CancellationException e) {
            throw stopped(uri);
        } catch (ExecutionException e) {
            if (stopped || e.getCause() instanceof CancellationException) {
                throw stopped(uri); // the cancelled exchange may fail its future rather than cancel it
            }
            if (e.getCause() instanceof IOException io) {
                throw unreachable(uri, io);
            }
            throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "Cannot call " + uri + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            sending.cancel(true);
            Thread.currentThread().interrupt();
            throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "Interrupted while calling " + uri, e);
        } finally {
            inFlight.remove(sending);
        }
    }

    @Override
    public void stopRequests() {
        stopped = true;
        dropExpected(expected.getAndSet(null));
        for (CompletableFuture<?> sending : inFlight) {
            sending.cancel(true);
        }
        stallWatch.stopAll();
    }

    @Override
    public void resumeRequests() {
        stopped = false;
    }

    private static OutpostException stopped(URI uri) {
        return new OutpostException(ErrorCode.STOPPED, "The request to " + uri + " was stopped");
    }

    /** The body as sent before its content coding: zstd and gzip are decoded here, nothing else is asked for. */
    private static InputStream decoded(String contentEncoding, InputStream body) throws IOException {
        return switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "zstd" -> new ZstdInputStream(body);
            case "gzip", "x-gzip" -> new GZIPInputStream(body, 1 << 16);
            default -> body;
        };
    }

    /** The headers every request carries: the token, the replica's id, the client's version. */
    private HttpRequest.Builder headers(HttpRequest.Builder builder) {
        builder.header("Authorization", "Bearer " + token).header(SyncPaths.CLIENT_HEADER, ClientVersion.VALUE);
        if (replicaId != null) {
            builder.header(SyncPaths.REPLICA_HEADER, replicaId);
        }
        return builder;
    }

    private OutpostException failure(URI uri, HttpResponse<?> response, String body) {
        int status = response.statusCode();
        Problem problem = null;
        if (response.headers().firstValue("Content-Type").orElse("").startsWith(MediaTypes.PROBLEM_JSON)) {
            try {
                problem = jsonb.fromJson(body, Problem.class);
            } catch (JsonbException e) {
                problem = null;
            }
        }
        String detail = problem == null || problem.detail() == null ? "HTTP " + status : problem.detail();
        ProblemType type = problem == null ? null : ProblemType.fromUri(problem.type());
        if (status == 401 || status == 403 || type == ProblemType.UNAUTHORIZED || type == ProblemType.FORBIDDEN) {
            return new OutpostException(
                    ErrorCode.AUTHENTICATION_FAILED, "The server refused the token (HTTP " + status + "): " + detail);
        }
        if (type == ProblemType.MUST_REBUILD) {
            return new OutpostException(ErrorCode.FEED_POSITION_LOST, "The change feed cannot continue: " + detail);
        }
        if (type == ProblemType.UNAVAILABLE && uri.getPath().endsWith("/" + SyncPaths.CHANGES)) {
            return new OutpostException(ErrorCode.FEED_UNAVAILABLE, "The server runs no change feed: " + detail);
        }
        if (type == ProblemType.CONFLICT
                && uri.getRawQuery() != null
                && uri.getRawQuery().contains(SyncPaths.COLUMN_PARAM + "=")) {
            throw new ColumnsRefused(detail);
        }
        if (status == 503 || type == ProblemType.UNAVAILABLE) {
            return new OutpostException(
                    ErrorCode.SERVER_UNREACHABLE,
                    "The server is up but cannot serve right now (HTTP " + status + "): " + detail);
        }
        return new OutpostException(
                ErrorCode.SERVER_ERROR,
                "The server answered " + uri.getPath() + " with HTTP " + status
                        + (type == null ? "" : " (" + type.uri() + ")") + ": " + detail);
    }

    private static OutpostException unreachable(URI uri, IOException e) {
        if (RequestStopped.causedBy(e)) {
            return stopped(uri);
        }
        String why = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new OutpostException(
                ErrorCode.SERVER_UNREACHABLE, "Cannot reach the server at " + uri + " (" + why + ")", e);
    }

    /** Whether the host is {@code localhost} or a loopback address literal (no name is resolved). */
    static boolean isLoopback(URI base) {
        String host = base.getHost();
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return h.equalsIgnoreCase("localhost")
                || h.startsWith("127.")
                || h.equals("::1")
                || h.equals("0:0:0:0:0:0:0:1");
    }

    private URI uri(String path) {
        return base.resolve(SyncPaths.API_ROOT + "/" + path);
    }
}
