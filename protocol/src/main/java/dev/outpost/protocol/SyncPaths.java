package dev.outpost.protocol;

/**
 * Paths and query parameters of the sync API, relative to the application root ({@code /api}). The
 * server's {@code @Path} annotations and the client's URI building both use these constants.
 */
public final class SyncPaths {
    /** Application path of the JAX-RS application inside the WAR. */
    public static final String API_ROOT = "api";

    /** Root of every endpoint a replica reads; protected by a bearer token. */
    public static final String SYNC = "sync";

    /** {@code GET sync/version}: {@link VersionInfo}, with an ETag. */
    public static final String VERSION = "version";

    /** {@code GET sync/schema}: {@link SchemaInfo}, with an ETag. */
    public static final String SCHEMA = "schema";

    /** Path parameter naming a synced table. */
    public static final String TABLE_PARAM = "table";

    /** {@code GET sync/tables/{table}/rows?after=&limit=&position=}: one page of rows as {@link RowLines}. */
    public static final String TABLE_ROWS = "tables/{" + TABLE_PARAM + "}/rows";

    /** {@code GET sync/tables/{table}/digest}: the table's {@link TableDigest}, for verifying a replica. */
    public static final String TABLE_DIGEST = "tables/{" + TABLE_PARAM + "}/digest";

    /** Opaque page cursor: absent for the first page, then the {@code next} of the previous page. */
    public static final String AFTER_PARAM = "after";

    /** Maximum number of rows in one page. */
    public static final String LIMIT_PARAM = "limit";

    /**
     * On a page of rows: the feed position the client continues from after the download. The page then
     * holds every change up to it, and a server may answer it from a standby that has them; without it
     * the page is read from the primary.
     */
    public static final String POSITION_PARAM = "position";

    /**
     * On a page of rows, repeatable: the columns the page carries, in the table's column order, with the
     * primary key's columns always among them; absent, every column. A replica whose table only gained
     * columns downloads the key and the new columns and keeps the rest of each row locally.
     */
    public static final String COLUMN_PARAM = "column";

    /**
     * {@code GET sync/changes?after=&limit=&wait=&schema=}: committed changes after a position, as {@link
     * ChangeLines}.
     */
    public static final String CHANGES = "changes";

    /**
     * The changes request's schema fingerprint of the replica: a position older than the newest schema
     * epoch is accepted only from a replica that already has the server's current schema.
     */
    public static final String SCHEMA_PARAM = "schema";

    /**
     * {@code GET sync/changes/access}: for a caching reverse proxy (nginx's {@code auth_request}), whether
     * the request's token may read the change feed ({@code 204}, else {@code 401}/{@code 403}), with
     * the key its cached changes answers are kept under in {@link #HISTORY_KEY_HEADER}.
     */
    public static final String HISTORY_ACCESS = CHANGES + "/access";

    /**
     * Response header of {@link #HISTORY_ACCESS}: the caller's history key, the same for every token
     * of the same scope on the same database and schema, on every instance.
     */
    public static final String HISTORY_KEY_HEADER = "Outpost-History-Key";

    /** {@code GET sync/feed}: {@link FeedStatus}. */
    public static final String FEED = "feed";

    /** Live mode: seconds to wait for a change when there is none yet (long poll); 0 answers at once. */
    public static final String WAIT_PARAM = "wait";

    /**
     * {@code POST sync/reports} with a {@link SyncReport}: what the replica's last sync did, answered
     * 204. Best effort on the client's side: a report that cannot be sent never fails a sync.
     */
    public static final String REPORTS = "reports";

    /**
     * Request header naming the replica (a random UUID it chose when it was created and keeps), sent
     * with every sync request; the server keeps per replica when it was last seen and where it stands.
     */
    public static final String REPLICA_HEADER = "Outpost-Replica";

    /** Request header with the client's version, e.g. {@code 0.1.0}, sent with every sync request. */
    public static final String CLIENT_HEADER = "Outpost-Client";

    /**
     * Response header of a page of rows that another page follows: the cursor of that next page, the
     * same as the page's end marker will name, sent before the rows so that a client can ask for the
     * next page while this one still streams (a long round trip then never idles the link). Absent on
     * a table's last page; optional for clients, which may wait for the end marker instead.
     */
    public static final String NEXT_PAGE_HEADER = "Outpost-Next-Page";

    /**
     * Response header of a table's first page: about how many rows the table has, PostgreSQL's own
     * estimate (for a progress bar's percentage and time left, never for correctness). Sent only when
     * the caller may read every row of the table, so that it tells nothing about rows outside a grant.
     */
    public static final String ESTIMATED_ROWS_HEADER = "Outpost-Estimated-Rows";

    /** Longest long poll the server accepts, in seconds. */
    public static final int MAX_WAIT_SECONDS = 60;

    /** Most changes in one answer when the client names no limit. */
    public static final int DEFAULT_CHANGE_ROWS = 10_000;

    /** Page size used when the client names none. */
    public static final int DEFAULT_PAGE_ROWS = 50_000;

    /** Largest page the server serves; larger requests are refused as bad input. */
    public static final int MAX_PAGE_ROWS = 1_000_000;

    private SyncPaths() {}

    /** The path of a table's digest below the application root, e.g. {@code sync/tables/users/digest}. */
    public static String tableDigest(String table) {
        return SYNC + "/" + TABLE_DIGEST.replace("{" + TABLE_PARAM + "}", table);
    }

    /** The path of a table's rows below the application root, e.g. {@code sync/tables/users/rows}. */
    public static String tableRows(String table) {
        return SYNC + "/" + TABLE_ROWS.replace("{" + TABLE_PARAM + "}", table);
    }
}
