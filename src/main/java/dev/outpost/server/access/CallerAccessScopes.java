package dev.outpost.server.access;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/**
 * The scope the authenticated token carries: everything for the settings' bootstrap tokens, a stored
 * token's grants and attributes; nothing for a request without a token.
 */
@ApplicationScoped
public class CallerAccessScopes implements AccessScopes {
    private static final AccessScope NOTHING = new AccessScope(false, Map.of(), Map.of());

    @Override
    public AccessScope of(Optional<Caller> caller) {
        return caller.map(Caller::scope).orElse(NOTHING);
    }
}
