package dev.outpost.server.access;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.Principal;

/**
 * The scopes of the tokens listed in the settings: every one of them may read everything. A token
 * store with per-token grants replaces this bean (a CDI alternative, or in its place).
 */
@ApplicationScoped
public class SettingsAccessScopes implements AccessScopes {
    @Override
    public AccessScope of(Principal caller) {
        return AccessScope.UNRESTRICTED;
    }
}
