package dev.outpost.server.data;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.RowDigest;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.access.filter.FilterCompiler.CompiledFilter;
import dev.outpost.server.access.view.ScopedTable;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.schema.SyncedSchema;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * {@code GET /api/sync/tables/{table}/digest}: the row count and {@link RowDigest} of a table (the
 * granted columns of the rows the caller's grant admits), read
 * in one transaction with the same text forms as its rows, so a replica can prove it holds the same
 * rows. Reads the whole table (server-side cursor, constant memory).
 */
@Path(SyncPaths.SYNC + "/" + SyncPaths.TABLE_DIGEST)
@RequestScoped
public class TableDigestResource {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private SyncedSchema syncedSchema;

    @Inject
    private CurrentAccess access;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public TableDigest digest(@PathParam(SyncPaths.TABLE_PARAM) String tableName) throws SQLException {
        ScopedTable scoped = syncedSchema.table(tableName, access.scope());
        TableSchema table = scoped.view();
        CompiledFilter filter = scoped.filter(PageQuery::column).orElse(null);
        String[] types = table.columns().stream().map(ColumnSchema::type).toArray(String[]::new);
        RowDigest digest = new RowDigest();
        try (Connection connection = dataSource.getConnection()) {
            TextSession.begin(connection);
            try (PreparedStatement ps = connection.prepareStatement(
                    PageQuery.allRows(syncedSchema.scope(), table, filter == null ? null : filter.sql()))) {
                for (int i = 0; filter != null && i < filter.binds().size(); i++) {
                    ps.setString(i + 1, filter.binds().get(i));
                }
                ps.setFetchSize(RowPageOutput.FETCH_ROWS);
                try (ResultSet rs = ps.executeQuery()) {
                    String[] values = new String[types.length];
                    while (rs.next()) {
                        for (int i = 0; i < types.length; i++) {
                            values[i] = RowDigest.canonical(types[i], rs.getString(i + 1));
                        }
                        digest.add(values);
                    }
                }
            } finally {
                RowPageOutput.closeQuietly(connection);
            }
        }
        return new TableDigest(table.name(), digest.rows(), digest.hex());
    }
}
