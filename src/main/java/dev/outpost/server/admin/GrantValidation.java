package dev.outpost.server.admin;

import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.view.GrantCheck;
import dev.outpost.server.capture.ReplicaIdentity;
import dev.outpost.server.config.OutpostSettings;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.schema.SyncedSchema;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The one check grants pass before they are stored: each granted table is a synced table, its column
 * list names its columns and includes its key, its row filter parses, names only its columns and the
 * token's attributes, and its values fit the columns' types (checked by PostgreSQL). A filtered table
 * gets replica identity {@code FULL}, so the feed can judge the old row of every change.
 */
@ApplicationScoped
public class GrantValidation {
    @Inject
    private SyncedSchema schema;

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    /**
     * Refuses grants that name what the synced schema does not have.
     *
     * @param grants the grants to store
     * @param attributes the token's attributes, which bind the row filters' named parameters
     * @throws ProblemException 400 naming the first grant at fault
     */
    public void validate(List<TableGrant> grants, Map<String, List<String>> attributes) throws SQLException {
        for (TableGrant grant : grants) {
            TableSchema table;
            try {
                table = schema.table(grant.table());
            } catch (ProblemException e) {
                if (e.type() == ProblemType.UNKNOWN_TABLE) {
                    throw new ProblemException(
                            ProblemType.BAD_REQUEST, "grants: no synced table named '" + grant.table() + "'");
                }
                throw e;
            }
            GrantCheck.validate(grant, table, attributes);
            try (Connection connection = dataSource.getConnection()) {
                GrantCheck.checkValues(connection, schema.scope(), grant, table, attributes);
                if (grant.rowFilter().isPresent()) {
                    // a filtered table's deletes and updates must carry the old row to be judged
                    ReplicaIdentity.requireFull(connection, schema.scope(), table);
                }
            }
        }
    }
}
