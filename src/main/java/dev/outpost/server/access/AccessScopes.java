package dev.outpost.server.access;

import java.security.Principal;

/**
 * Where a caller's {@link AccessScope} comes from. {@link CurrentAccess} asks it once per request; the
 * token store provides the implementation that knows each token's grants.
 */
public interface AccessScopes {
    /**
     * The scope of an authenticated caller.
     *
     * @param caller the caller as the authentication mechanism named it, or {@code null} when the
     *     request carries no identity (the sync endpoints never answer such a request)
     */
    AccessScope of(Principal caller);
}
