package dev.outpost.server.access;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.SecurityContext;

/**
 * The access scope of the request being answered: asked of {@link AccessScopes} for the request's
 * caller once, then the same for every use within the request (the schema, the pages, the digest and
 * the feed of one request never see two scopes).
 */
@RequestScoped
public class CurrentAccess {
    @Inject
    private AccessScopes scopes;

    @Inject
    private SecurityContext security;

    private AccessScope scope;

    /** What the caller may read; the settings' tokens may read everything. */
    public AccessScope scope() {
        if (scope == null) {
            scope = scopes.of(security.getCallerPrincipal());
        }
        return scope;
    }
}
