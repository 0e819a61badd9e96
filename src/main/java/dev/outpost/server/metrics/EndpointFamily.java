package dev.outpost.server.metrics;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.OperationsPaths;
import dev.outpost.protocol.SyncPaths;

/**
 * The endpoint family of a request path, the {@code family} label of the request counter: one value
 * per kind of endpoint ({@code sync_rows}, {@code admin}, ...), never the path itself, so that table
 * names, ids and stray paths cannot grow the number of series.
 */
public final class EndpointFamily {
    /** Anything that is not one of the API's endpoints (a mistyped path, the console, a scan). */
    public static final String OTHER = "other";

    private static final String SYNC = "/" + SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/";
    private static final String API = "/" + SyncPaths.API_ROOT + "/";

    private EndpointFamily() {}

    /** The family of {@code path}, given below the context root (e.g. {@code /api/sync/version}). */
    public static String of(String path) {
        if (path == null) {
            return OTHER;
        }
        if (path.startsWith(SYNC)) {
            String rest = path.substring(SYNC.length());
            if (rest.startsWith("tables/")) {
                return rest.endsWith("/rows") ? "sync_rows" : rest.endsWith("/digest") ? "sync_digest" : OTHER;
            }
            return switch (rest) {
                case SyncPaths.VERSION -> "sync_version";
                case SyncPaths.SCHEMA -> "sync_schema";
                case SyncPaths.CHANGES -> "sync_changes";
                case SyncPaths.FEED -> "sync_feed";
                case SyncPaths.REPORTS -> "sync_reports";
                default -> OTHER;
            };
        }
        if (!path.startsWith(API)) {
            return OTHER;
        }
        String rest = path.substring(API.length());
        String first = rest.indexOf('/') < 0 ? rest : rest.substring(0, rest.indexOf('/'));
        return switch (first) {
            case "companies", "users" -> "write";
            case AdminPaths.ADMIN -> "admin";
            case OperationsPaths.HEALTH -> "health";
            case OperationsPaths.METRICS -> "metrics";
            case OperationsPaths.OPENAPI -> "openapi";
            default -> OTHER;
        };
    }

    /** The status class label of an HTTP status: {@code 2xx}, {@code 3xx}, {@code 4xx} or {@code 5xx}. */
    public static String statusClass(int status) {
        return status >= 100 && status < 600 ? (status / 100) + "xx" : "other";
    }
}
