package dev.outpost.server.access;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The access scope of the request being answered: asked of {@link AccessScopes} for the caller the
 * authentication mechanism found ({@link #ATTRIBUTE}) once, then the same for every use within the
 * request (the schema, the pages, the digest and the feed of one request never see two scopes).
 */
@RequestScoped
public class CurrentAccess {
    /** Request attribute holding the authenticated {@link Caller}. */
    public static final String ATTRIBUTE = Caller.class.getName();

    @Inject
    private AccessScopes scopes;

    @Inject
    private HttpServletRequest request;

    private AccessScope scope;

    /**
     * What the caller may read: everything for the settings' bootstrap tokens, the grants and
     * attributes of a stored token (none granted: nothing).
     */
    public AccessScope scope() {
        if (scope == null) {
            scope = scopes.of(caller());
        }
        return scope;
    }

    /** The authenticated caller; empty on a path that needs no token. */
    public Optional<Caller> caller() {
        return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }
}
