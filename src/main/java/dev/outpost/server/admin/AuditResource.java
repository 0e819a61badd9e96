package dev.outpost.server.admin;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.AuditEntry;
import dev.outpost.protocol.ProblemType;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.access.store.PostgresTokenStore;
import dev.outpost.server.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** {@code GET /api/admin/audit?limit=&token=}: the admin actions, newest first. */
@Path(AdminPaths.ADMIN + "/" + AdminPaths.AUDIT)
@RequestScoped
public class AuditResource {
    @Inject
    private PostgresTokenStore store;

    @Inject
    private CurrentAccess access;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<AuditEntry> audit(
            @QueryParam(AdminPaths.LIMIT_PARAM) String limit, @QueryParam(AdminPaths.TOKEN_PARAM) String token)
            throws SQLException {
        int rows = AdminPaths.DEFAULT_AUDIT_ROWS;
        if (limit != null && !limit.isEmpty()) {
            try {
                rows = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                rows = -1;
            }
            if (rows < 1 || rows > AdminPaths.MAX_AUDIT_ROWS) {
                throw new ProblemException(
                        ProblemType.BAD_REQUEST,
                        "'limit' must be a whole number from 1 to " + AdminPaths.MAX_AUDIT_ROWS + ", was '" + limit
                                + "'");
            }
        }
        Optional<Long> tokenId = Optional.empty();
        if (token != null && !token.isEmpty()) {
            try {
                tokenId = Optional.of(Long.parseLong(token));
            } catch (NumberFormatException e) {
                throw new ProblemException(
                        ProblemType.BAD_REQUEST, "'token' must be a token's id, was '" + token + "'");
            }
        }
        return store.audit(rows, tokenId, access.caller().map(Caller::describe).orElse("unknown"));
    }
}
