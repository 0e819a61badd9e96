package dev.outpost.server.changes;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.catalog.Fingerprints;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.http.Compress;
import dev.outpost.server.metrics.ServerMetrics;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.schema.SyncedSchema;
import dev.outpost.server.standby.StandbyReads;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@code GET /api/sync/changes?after=&limit=&wait=&schema=}: the changes after a position, whole
 * transactions only, in {@link dev.outpost.protocol.ChangeLines} form. With {@code wait}, an empty
 * answer is held back until a change arrives or the time is up (live mode), without holding a request
 * thread ({@link WaitingPolls}). {@code schema} is the
 * replica's schema fingerprint: with the server's current one, a position before the newest schema
 * epoch is still served ({@link ChangeLog#checkContinuable}). Without a running feed (snapshot-only
 * mode, {@link dev.outpost.server.capture.FeedMode}) every request, also one for the newest position,
 * is answered 503 {@link ProblemType#UNAVAILABLE} with the reason as detail. The caller gets only the
 * changes of its scope ({@link ScopedFeed}); {@code schema} is compared with its scope's fingerprint.
 * A request is checked against the feed's bounds as this instance last read them ({@link FeedBounds}),
 * not by a query of its own, and again by the page read in its own snapshot.
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.CHANGES)
@ApplicationScoped
public class ChangesResource {
    /** Longest wait for capture to store what was committed before a position request: below the client's read timeout. */
    private static final long CAPTURE_WAIT_MILLIS = 30_000;

    /** Longest wait for the standby to hold a snapshot's position, so that its pages need not go to the primary. */
    private static final long STANDBY_WAIT_MILLIS = 2_000;

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private WaitingPolls waitingPolls;

    @Inject
    private FeedBounds bounds;

    @Inject
    private SyncedSchema syncedSchema;

    @Inject
    private CurrentAccess access;

    @Inject
    private ServerMetrics metrics;

    @Inject
    private HistoryKeys keys;

    @Inject
    private StandbyReads reads;

    @GET
    @Compress
    @Produces(MediaTypes.NDJSON)
    public void changes(
            @QueryParam(SyncPaths.AFTER_PARAM) String afterParam,
            @QueryParam(SyncPaths.LIMIT_PARAM) String limitParam,
            @QueryParam(SyncPaths.WAIT_PARAM) String waitParam,
            @QueryParam(SyncPaths.SCHEMA_PARAM) String schemaParam,
            @Suspended AsyncResponse response) {
        try {
            answer(afterParam, limitParam, waitParam, schemaParam, response);
        } catch (SQLException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            response.resume(e);
        }
    }

    /**
     * Resumes {@code response} with the answer at once, or, for a live-mode request with nothing newer,
     * leaves it to {@link WaitingPolls}: the request thread is free while it waits.
     */
    private void answer(
            String afterParam, String limitParam, String waitParam, String schemaParam, AsyncResponse response)
            throws SQLException, InterruptedException {
        int limit =
                number(SyncPaths.LIMIT_PARAM, limitParam, SyncPaths.DEFAULT_CHANGE_ROWS, 1, SyncPaths.MAX_PAGE_ROWS);
        int wait = number(SyncPaths.WAIT_PARAM, waitParam, 0, 0, SyncPaths.MAX_WAIT_SECONDS);
        if (afterParam == null || afterParam.isEmpty()) {
            long latest = newestPositionCoveringNow();
            response.resume(Response.ok((StreamingOutput) out -> {
                        StringBuilder end = new StringBuilder();
                        RowLines.appendEnd(end, 0, Long.toString(latest));
                        out.write(end.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    })
                    .build());
            return;
        }
        long asked = System.nanoTime();
        ChangeLog.Bounds status = bounds.recent();
        long after = FeedPositions.parse(SyncPaths.AFTER_PARAM, afterParam);
        if (after > status.latestPosition()) {
            status = bounds.readSince(asked); // refused only by a read begun after the request arrived
        }
        AccessScope scope = access.scope();
        ChangeLog.checkContinuable(
                status, after, schemaParam, () -> syncedSchema.read(scope).fingerprint());
        WaitingPolls.Read read = new WaitingPolls.Read(after, limit, schemaParam, scope);
        if (wait > 0 && status.latestPosition() <= after) {
            Long token = access.caller().flatMap(Caller::tokenId).orElse(null);
            waitingPolls.await(read, this::openOnPrimary, wait * 1000L, token, response);
            return;
        }
        if (wait > 0) {
            // a live follower with changes waiting: answered with the others asking the same
            waitingPolls.answerSoon(read, this::openOnPrimary, response);
            return;
        }
        response.resume(ChangePageOutput.response(openStored(read)));
    }

    /** What identifies a complete answer to {@code read}: the caller's history key and the request. */
    private String tag(WaitingPolls.Read read) throws SQLException {
        return Fingerprints.of(
                keys.of(read.scope()), Long.toString(read.after()), Integer.toString(read.limit()), read.schema());
    }

    /** A live follower's read: of the newest changes, which the primary has first. */
    private StreamingOutput openOnPrimary(WaitingPolls.Read read) throws SQLException {
        return open(read, dataSource.getConnection(), true);
    }

    /** A read of changes already stored: from the standby when it holds the position ({@link StandbyReads}). */
    private StreamingOutput openStored(WaitingPolls.Read read) throws SQLException {
        return reads.read(
                ServerMetrics.Stream.CHANGES, read.after(), (connection, standby) -> open(read, connection, !standby));
    }

    /**
     * The changes a read asks for, streamed from the log on {@code connection}, its position checked
     * again in the page's snapshot; the schema is read now (a wait can outlast a release). Only the
     * primary's snapshot tells this instance the feed's bounds: a standby's may be older.
     */
    private StreamingOutput open(WaitingPolls.Read read, Connection connection, boolean primary) throws SQLException {
        ScopedFeed feed;
        try {
            feed = read.scope().unrestricted()
                    ? ScopedFeed.unrestricted()
                    : ScopedFeed.of(read.scope(), syncedSchema.read());
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        long started = System.nanoTime();
        return ChangePageOutput.start(
                connection,
                feed,
                read.after(),
                read.limit(),
                (inSnapshot, snapshot) -> {
                    if (primary) {
                        bounds.observe(started, inSnapshot);
                    }
                    ChangeLog.checkContinuable(inSnapshot, read.after(), read.schema(), () -> syncedSchema
                            .read(read.scope(), snapshot)
                            .fingerprint());
                },
                () -> tag(read),
                metrics);
    }

    /**
     * The newest position, once capture has stored every change committed before this request
     * arrived (waiting at most {@value #CAPTURE_WAIT_MILLIS} ms, and not at all without an active
     * capturer): a snapshot read after this answer then already holds every change up to the position,
     * and the changes after it are only those committed later, none applied twice. When the wait is
     * cut short the position is older, which stays correct: the overlap is applied again, idempotently.
     * With a standby, the answer waits a little for the standby to hold the position too, so that the
     * snapshot's pages come from it.
     */
    private long newestPositionCoveringNow() throws SQLException, InterruptedException {
        long position = bounds.readSince(System.nanoTime()).latestPosition();
        try (Connection connection = dataSource.getConnection()) {
            if (ChangeLog.awaitCapturedUpToNow(connection, CAPTURE_WAIT_MILLIS)) {
                position = bounds.readSince(System.nanoTime()).latestPosition();
            }
        }
        reads.awaitStandby(position, STANDBY_WAIT_MILLIS);
        return position;
    }

    private static int number(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= min && number <= max) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(
                ProblemType.BAD_REQUEST,
                "'" + name + "' must be a whole number from " + min + " to " + max + ", was '" + value + "'");
    }
}
