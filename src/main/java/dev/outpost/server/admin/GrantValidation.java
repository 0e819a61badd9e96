package dev.outpost.server.admin;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.TableSchema;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.problem.ProblemException;
import dev.outpost.server.schema.SyncedSchema;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one check grants pass before they are stored: each granted table is a synced table and each
 * granted column one of its columns. Row filters are stored as given.
 */
@ApplicationScoped
public class GrantValidation {
    @Inject
    private SyncedSchema schema;

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
            Set<String> columns =
                    table.columns().stream().map(ColumnSchema::name).collect(Collectors.toSet());
            for (String column : grant.columns().orElse(List.of())) {
                if (!columns.contains(column)) {
                    throw new ProblemException(
                            ProblemType.BAD_REQUEST,
                            "grants: table '" + grant.table() + "' has no column '" + column + "'");
                }
            }
        }
    }
}
