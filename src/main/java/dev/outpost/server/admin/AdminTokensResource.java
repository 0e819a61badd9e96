package dev.outpost.server.admin;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.TokenInfo;
import dev.outpost.server.access.Caller;
import dev.outpost.server.access.CurrentAccess;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.access.store.PostgresTokenStore;
import dev.outpost.server.access.store.TokenChanges;
import dev.outpost.server.access.store.TokenRole;
import dev.outpost.server.input.JsonInput;
import dev.outpost.server.problem.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /api/admin/tokens}: create (the secret is answered once), list, read, change and revoke stored
 * tokens. Every change is audited with the admin who made it.
 */
@Path(AdminPaths.ADMIN)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminTokensResource {
    @Inject
    private PostgresTokenStore store;

    @Inject
    private GrantValidation grants;

    @Inject
    private CurrentAccess access;

    @GET
    @Path(AdminPaths.TOKENS)
    public List<TokenInfo> list() throws SQLException {
        return store.list(who());
    }

    @POST
    @Path(AdminPaths.TOKENS)
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(InputStream body) throws Exception {
        TokenChanges token = TokenInput.creation(JsonInput.read(body, TokenInput.FIELDS));
        validate(token);
        PostgresTokenStore.Created created = store.create(token, who());
        return Response.created(UriBuilder.fromPath(AdminPaths.TOKENS + "/{id}")
                        .build(created.token().id()))
                .entity(new CreatedToken(created.secret(), created.token()))
                .build();
    }

    @GET
    @Path(AdminPaths.TOKEN)
    public TokenInfo get(@PathParam(AdminPaths.ID_PARAM) String id) throws SQLException {
        return store.get(id(id), who());
    }

    @PATCH
    @Path(AdminPaths.TOKEN)
    @Consumes(MediaType.APPLICATION_JSON)
    public TokenInfo update(@PathParam(AdminPaths.ID_PARAM) String id, InputStream body) throws Exception {
        long tokenId = id(id);
        TokenChanges changes = TokenInput.update(JsonInput.read(body, TokenInput.FIELDS));
        if (changes.grants() != null || changes.attributes() != null) {
            // grants are checked with the attributes they will be read with, changed or stored
            TokenInfo stored = store.find(tokenId)
                    .orElseThrow(() -> new ProblemException(ProblemType.NOT_FOUND, "no token with id " + tokenId));
            TokenInput.requireTableReader(
                    TokenRole.of(stored.role()).orElseThrow(), changes.grants(), changes.attributes());
            grants.validate(
                    changes.grants() != null ? changes.grants() : grantsOf(stored),
                    changes.attributes() != null
                            ? changes.attributes()
                            : stored.attributes() == null ? Map.of() : stored.attributes());
        }
        return store.update(tokenId, changes, who());
    }

    @POST
    @Path(AdminPaths.REVOKE)
    public TokenInfo revoke(@PathParam(AdminPaths.ID_PARAM) String id) throws SQLException {
        return store.revoke(id(id), who());
    }

    /** The grants as they will be stored, with the attributes they will be read with. */
    private void validate(TokenChanges changes) throws SQLException {
        if (changes.grants() != null) {
            grants.validate(changes.grants(), changes.attributes() == null ? Map.of() : changes.attributes());
        }
    }

    private static List<TableGrant> grantsOf(TokenInfo token) {
        return (token.grants() == null ? List.<TokenInfo.Grant>of() : token.grants())
                .stream()
                        .map(g -> new TableGrant(
                                g.table(), Optional.ofNullable(g.columns()), Optional.ofNullable(g.rowFilter())))
                        .toList();
    }

    private String who() {
        return access.caller().map(Caller::describe).orElse("unknown");
    }

    static long id(String id) {
        try {
            long value = Long.parseLong(id);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ProblemException(ProblemType.NOT_FOUND, "no token with id '" + id + "'");
    }
}
