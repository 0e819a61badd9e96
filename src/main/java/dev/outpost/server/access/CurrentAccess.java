package dev.outpost.server.access;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;

/**
 * The access scope of the request being answered: the one the authentication mechanism found for the
 * request's token ({@link #ATTRIBUTE}). A request without one may read nothing.
 */
@RequestScoped
public class CurrentAccess {
    /** Request attribute holding the authenticated {@link Caller}. */
    public static final String ATTRIBUTE = Caller.class.getName();

    private static final AccessScope NOTHING = new AccessScope(false, Map.of(), Map.of());

    @Inject
    private HttpServletRequest request;

    /**
     * What the caller may read: everything for the settings' bootstrap tokens, the grants and
     * attributes of a stored token (none granted: nothing).
     */
    public AccessScope scope() {
        return caller().map(Caller::scope).orElse(NOTHING);
    }

    /** The authenticated caller; empty on a path that needs no token. */
    public Optional<Caller> caller() {
        return request.getAttribute(ATTRIBUTE) instanceof Caller caller ? Optional.of(caller) : Optional.empty();
    }
}
