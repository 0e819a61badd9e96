package dev.outpost.client;

import dev.outpost.protocol.SyncPaths;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of an {@link OutpostReplica}. Immutable; built with {@link #builder()}, validated once by
 * {@link Builder#build()}.
 *
 * <p>The server URL and token are optional: a replica opened without them can be read and its status
 * shown, but {@link OutpostReplica#sync()} fails with {@link ErrorCode#CONFIG_INVALID}.
 */
public final class ReplicaConfig {
    /** Rows asked for per page: {@value}. */
    public static final int DEFAULT_PAGE_ROWS = SyncPaths.DEFAULT_PAGE_ROWS;

    /** Time allowed to open a connection to the server. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** Time allowed for the server to start answering a request (not for streaming a whole page). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI serverUrl;
    private final String token;
    private final Path directory;
    private final int pageRows;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration checkInterval;
    private final Compression compression;

    /** Whether sync answers are asked for compressed. */
    public enum Compression {
        /** Compressed unless the server is on this machine (a loopback address), where it only costs time. */
        AUTO,
        /** Always compressed: a server behind a local proxy or tunnel that leads to a real link. */
        ALWAYS,
        /** Never compressed: a fast link where the CPU is the limit. */
        NEVER
    }

    private ReplicaConfig(Builder b) {
        this.serverUrl = b.serverUrl == null ? null : withTrailingSlash(b.serverUrl);
        this.token = b.token;
        this.directory =
                b.directory == null ? null : b.directory.toAbsolutePath().normalize();
        this.pageRows = b.pageRows;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.checkInterval = b.checkInterval;
        this.compression = b.compression;
    }

    /** A builder with every default set and no server, token or directory. */
    public static Builder builder() {
        return new Builder();
    }

    /** The server application's root (ends with {@code /}), or {@code null}. */
    public URI serverUrl() {
        return serverUrl;
    }

    /** The bearer token, or {@code null}. */
    public String token() {
        return token;
    }

    /** The replica directory (absolute). */
    public Path directory() {
        return directory;
    }

    /** Rows asked for per page. */
    public int pageRows() {
        return pageRows;
    }

    /** Time allowed to open a connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Time allowed for a response to start. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How often {@link OutpostReplica#startBackgroundSync()} checks the server, or {@code null} when
     * the replica syncs only on demand.
     */
    public Duration checkInterval() {
        return checkInterval;
    }

    /** Whether sync answers are asked for compressed. */
    public Compression compression() {
        return compression;
    }

    @Override
    public String toString() {
        return "ReplicaConfig[serverUrl=" + serverUrl + ", token=" + (token == null ? "none" : "***")
                + ", directory=" + directory + ", pageRows=" + pageRows + ", connectTimeout="
                + connectTimeout + ", requestTimeout=" + requestTimeout + ", checkInterval=" + checkInterval
                + ", compression=" + compression + "]";
    }

    private void validate() {
        if (directory == null) {
            throw invalid("directory is required (the replica directory)");
        }
        if (serverUrl != null) {
            String scheme = serverUrl.getScheme();
            if (!serverUrl.isAbsolute()
                    || !("http".equals(scheme) || "https".equals(scheme))
                    || serverUrl.getHost() == null) {
                throw invalid("serverUrl must be an absolute http(s) URL, got: " + serverUrl);
            }
            if (token == null || token.isBlank()) {
                throw invalid("token is required when serverUrl is set");
            }
        }
        if (token != null && token.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f)) {
            throw invalid("token must not contain whitespace or control characters");
        }
        if (pageRows < 1 || pageRows > SyncPaths.MAX_PAGE_ROWS) {
            throw invalid("pageRows must be between 1 and " + SyncPaths.MAX_PAGE_ROWS + ", got: " + pageRows);
        }
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("requestTimeout", requestTimeout);
        if (checkInterval != null) {
            requirePositive("checkInterval", checkInterval);
        }
        if (compression == null) {
            throw invalid("compression must be set (AUTO, ALWAYS or NEVER)");
        }
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw invalid(name + " must be a positive duration, got: " + d);
        }
    }

    private static OutpostException invalid(String message) {
        return new OutpostException(ErrorCode.CONFIG_INVALID, "Invalid replica config: " + message);
    }

    private static URI withTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? uri : URI.create(s + "/");
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private URI serverUrl;
        private String token;
        private Path directory;
        private int pageRows = DEFAULT_PAGE_ROWS;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration checkInterval;
        private Compression compression = Compression.AUTO;

        private Builder() {}

        /** The server application's root, e.g. {@code http://127.0.0.1:8080/outpost/}. */
        public Builder serverUrl(URI serverUrl) {
            this.serverUrl = serverUrl;
            return this;
        }

        /** The bearer token sent on every request. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** The replica directory; created on open when missing. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Rows asked for per page (default {@link #DEFAULT_PAGE_ROWS}). */
        public Builder pageRows(int pageRows) {
            this.pageRows = pageRows;
            return this;
        }

        /** Time allowed to open a connection (default {@link #DEFAULT_CONNECT_TIMEOUT}). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Time allowed for a response to start, and for each read of an answer to get its next bytes:
         * an answer that goes silent that long fails as a lost connection (default {@link
         * #DEFAULT_REQUEST_TIMEOUT}).
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** How often a background sync checks the server (default: none, sync on demand only). */
        public Builder checkInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
            return this;
        }

        /** Whether sync answers are asked for compressed (default {@link Compression#AUTO}). */
        public Builder compression(Compression compression) {
            this.compression = compression;
            return this;
        }

        /**
         * The validated config.
         *
         * @throws OutpostException with {@link ErrorCode#CONFIG_INVALID} naming the bad setting
         */
        public ReplicaConfig build() {
            ReplicaConfig config;
            try {
                config = new ReplicaConfig(this);
            } catch (IllegalArgumentException e) {
                throw invalid("serverUrl is not a valid URI: " + serverUrl);
            }
            config.validate();
            return config;
        }
    }
}
