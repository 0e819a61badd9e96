package dev.outpost.server.access;

import java.util.Optional;

/**
 * Where a caller's {@link AccessScope} comes from. {@link CurrentAccess} asks it once per request; the
 * token store provides the implementation that knows each token's grants.
 */
public interface AccessScopes {
    /**
     * The scope of a caller.
     *
     * @param caller the caller as the authentication mechanism found it; empty when the request carries
     *     no token (the sync endpoints never answer such a request)
     */
    AccessScope of(Optional<Caller> caller);
}
