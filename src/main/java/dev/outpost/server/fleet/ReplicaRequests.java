package dev.outpost.server.fleet;

import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.CurrentAccess;
import jakarta.inject.Inject;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Notes each answered sync request that names its replica ({@link SyncPaths#REPLICA_HEADER}) in
 * {@link ReplicaSightings}: at the request's end, when the caller is authenticated, so that also the
 * version checks answered {@code 304} before JAX-RS count. A changes request's {@code after} is the
 * replica's feed position. A header that is not a UUID is ignored (the request itself is served).
 */
@WebListener
public class ReplicaRequests implements ServletRequestListener {
    private static final String SYNC_PATH = "/" + SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/";
    private static final String CHANGES_PATH = SYNC_PATH + SyncPaths.CHANGES;
    /** A caching proxy's access check for a changes request, with the request's parameters. */
    private static final String HISTORY_ACCESS_PATH = SYNC_PATH + SyncPaths.HISTORY_ACCESS;

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern VERSION_TEXT = Pattern.compile("[A-Za-z0-9._+-]{1,40}");
    private static final Pattern POSITION_TEXT = Pattern.compile("[0-9]{1,18}");

    @Inject
    private ReplicaSightings sightings;

    @Override
    public void requestDestroyed(ServletRequestEvent event) {
        if (!(event.getServletRequest() instanceof HttpServletRequest request)
                || !(request.getAttribute(CurrentAccess.ATTRIBUTE) instanceof Caller caller)) {
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!path.startsWith(SYNC_PATH)) {
            return;
        }
        replica(request.getHeader(SyncPaths.REPLICA_HEADER)).ifPresent(replica -> {
            String after = path.equals(CHANGES_PATH) || path.equals(HISTORY_ACCESS_PATH)
                    ? request.getParameter(SyncPaths.AFTER_PARAM)
                    : null;
            Long position = after != null && POSITION_TEXT.matcher(after).matches() ? Long.valueOf(after) : null;
            sightings.seen(replica, caller, clientVersion(request.getHeader(SyncPaths.CLIENT_HEADER)), position);
        });
    }

    /** The replica a header names, if it is a UUID. */
    static Optional<UUID> replica(String header) {
        return header != null && UUID_TEXT.matcher(header).matches()
                ? Optional.of(UUID.fromString(header))
                : Optional.empty();
    }

    /** The client version a header names, if it looks like one. */
    static String clientVersion(String header) {
        return header != null && VERSION_TEXT.matcher(header).matches() ? header : null;
    }
}
