package dev.outpost.server.access;

import jakarta.enterprise.context.RequestScoped;

/** The access scope of the request being answered. */
@RequestScoped
public class CurrentAccess {
    /** What the caller may read; the settings' tokens may read everything. */
    public AccessScope scope() {
        return AccessScope.UNRESTRICTED;
    }
}
