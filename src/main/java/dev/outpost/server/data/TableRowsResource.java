package dev.outpost.server.data;

import dev.outpost.protocol.MediaTypes;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.access.filter.FilterCompiler.CompiledFilter;
import dev.outpost.server.access.view.ScopedTable;
import dev.outpost.server.changes.FeedPositions;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.http.Compress;
import dev.outpost.server.metrics.ServerMetrics;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.schema.SyncedSchema;
import dev.outpost.server.standby.StandbyReads;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@code GET /api/sync/tables/{table}/rows?after=&limit=&position=&column=}: one page of a table's rows,
 * streamed: the granted columns (or those named, {@link ColumnProjection}) of the rows the caller's
 * grant admits. A page that names the feed
 * position its download continues from may come from the standby ({@link StandbyReads}); any other
 * from the primary.
 * Everything that can be wrong with the request (table, cursor, limit) is checked and the query is
 * started before the first byte is sent, so bad input is a 4xx problem, never a broken stream. A
 * table without a primary key is always one page, whatever the limit (see {@code docs/protocol.md}).
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.TABLE_ROWS)
@RequestScoped
public class TableRowsResource {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private SyncedSchema syncedSchema;

    @Inject
    private CurrentAccess access;

    @Inject
    private ServerMetrics metrics;

    @Inject
    private StandbyReads reads;

    @GET
    @Compress
    @Produces(MediaTypes.NDJSON)
    public Response rows(
            @PathParam(SyncPaths.TABLE_PARAM) String tableName,
            @QueryParam(SyncPaths.AFTER_PARAM) String after,
            @QueryParam(SyncPaths.LIMIT_PARAM) String limitParam,
            @QueryParam(SyncPaths.POSITION_PARAM) String positionParam,
            @QueryParam(SyncPaths.COLUMN_PARAM) List<String> columns)
            throws SQLException {
        int limit = limit(limitParam);
        // the feed position the page must cover, -1 when the request names none
        long position = positionParam == null || positionParam.isEmpty()
                ? -1
                : FeedPositions.parse(SyncPaths.POSITION_PARAM, positionParam);
        ScopedTable scoped = syncedSchema.table(tableName, access.scope());
        if (columns != null && !columns.isEmpty() && (scoped.columnsRestricted() || scoped.filtered())) {
            // such a grant's feed leaves out changes made under the table's earlier definition
            // (ScopedFeed), which a replica keeping the other columns would miss
            throw new ProblemException(
                    ProblemType.CONFLICT,
                    "'" + SyncPaths.COLUMN_PARAM + "' is not offered on " + tableName
                            + " to a grant that names its columns or filters its rows: download the whole table");
        }
        TableSchema table = ColumnProjection.of(scoped.view(), columns);
        CompiledFilter filter = scoped.filter(PageQuery::column).orElse(null);
        List<String> afterKey = after == null || after.isEmpty()
                ? List.of()
                : PageCursor.decode(after, table.name(), table.primaryKey().size());
        // a table without a primary key has no stable order to page by: it is sent whole, in one page
        int rows = table.primaryKey().isEmpty() ? Integer.MAX_VALUE : limit;
        if (position < 0) {
            return start(dataSource.getConnection(), table, filter, afterKey, rows);
        }
        return reads.read(
                ServerMetrics.Stream.SNAPSHOT,
                position,
                (connection, standby) -> start(connection, table, filter, afterKey, rows));
    }

    private static int limit(String value) {
        if (value == null || value.isEmpty()) {
            return SyncPaths.DEFAULT_PAGE_ROWS;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= SyncPaths.MAX_PAGE_ROWS) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(
                ProblemType.BAD_REQUEST,
                "'limit' must be a whole number from 1 to " + SyncPaths.MAX_PAGE_ROWS + ", was '" + value + "'");
    }

    /**
     * Starts the page's query. For a keyed table the key of the page's last row is looked up first, in
     * the same snapshot (repeatable read), so that the next page's cursor is known before the rows and
     * goes out as {@link SyncPaths#NEXT_PAGE_HEADER}; the page then ends exactly at that key.
     */
    private Response start(
            Connection connection, TableSchema table, CompiledFilter filter, List<String> afterKey, int limit)
            throws SQLException {
        try {
            TextSession.begin(connection);
            String filterSql = filter == null ? null : filter.sql();
            List<String> filterBinds = filter == null ? List.of() : filter.binds();
            List<String> lastKey = null;
            if (!table.primaryKey().isEmpty()) {
                try (Statement snapshot = connection.createStatement()) {
                    snapshot.execute("set transaction isolation level repeatable read");
                }
                lastKey = lastKey(connection, table, filterSql, filterBinds, afterKey, limit);
            }
            PreparedStatement ps = connection.prepareStatement(
                    PageQuery.sql(syncedSchema.scope(), table, !afterKey.isEmpty(), filterSql, lastKey != null));
            ps.setFetchSize(RowPageOutput.FETCH_ROWS);
            int p = bind(ps, 1, filterBinds, afterKey);
            if (lastKey != null) {
                bind(ps, p, lastKey);
            } else if (!table.primaryKey().isEmpty()) {
                ps.setInt(p, limit);
            }
            String next = lastKey == null ? null : PageCursor.encode(table.name(), lastKey);
            // a table's size tells nothing about its rows only to a caller that may read them all
            long estimate = afterKey.isEmpty() && filter == null ? estimatedRows(connection, table) : -1;
            Response.ResponseBuilder answer =
                    Response.ok(new RowPageOutput(connection, ps, ps.executeQuery(), table, next, metrics));
            if (next != null) {
                answer.header(SyncPaths.NEXT_PAGE_HEADER, next);
            }
            if (estimate >= 0) {
                answer.header(SyncPaths.ESTIMATED_ROWS_HEADER, estimate);
            }
            return answer.build();
        } catch (SQLException e) {
            RowPageOutput.closeQuietly(connection);
            if (!afterKey.isEmpty()
                    && e.getSQLState() != null
                    && e.getSQLState().startsWith("22")) {
                throw PageCursor.malformed("its key values do not fit the key columns");
            }
            throw e;
        } catch (RuntimeException e) {
            RowPageOutput.closeQuietly(connection);
            throw e;
        }
    }

    /**
     * The key of the page's last row if rows follow the page, else {@code null} (the table's last page,
     * which may be full).
     */
    private List<String> lastKey(
            Connection connection,
            TableSchema table,
            String filterSql,
            List<String> filterBinds,
            List<String> afterKey,
            int limit)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                PageQuery.lastKey(table, syncedSchema.scope(), !afterKey.isEmpty(), filterSql))) {
            ps.setInt(bind(ps, 1, filterBinds, afterKey), limit - 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                List<String> key = new ArrayList<>();
                for (int i = 1; i <= table.primaryKey().size(); i++) {
                    key.add(rs.getString(i));
                }
                // no row after the page's last: a full last page announces no next one, which would be empty
                return rs.next() ? key : null;
            }
        }
    }

    /**
     * PostgreSQL's estimate of the table's rows: the live rows its statistics count as transactions
     * commit, or the planner's count from the last analyze if that is larger; -1 if it has neither.
     */
    private long estimatedRows(Connection connection, TableSchema table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "select greatest(s.n_live_tup, c.reltuples::bigint)"
                        + " from pg_class c left join pg_stat_all_tables s on s.relid = c.oid where c.oid = cast(? as regclass)")) {
            ps.setString(1, syncedSchema.scope().sql(table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Binds the values of each list in turn from parameter {@code first}; returns the next parameter. */
    @SafeVarargs
    private static int bind(PreparedStatement ps, int first, List<String>... lists) throws SQLException {
        int p = first;
        for (List<String> values : lists) {
            for (String value : values) {
                ps.setString(p++, value);
            }
        }
        return p;
    }
}
