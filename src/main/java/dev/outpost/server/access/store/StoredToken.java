package dev.outpost.server.access.store;

import dev.outpost.server.access.AccessScope;
import java.time.Instant;
import java.util.Optional;

/**
 * A token of the store as a request is authenticated with it.
 *
 * @param id its id
 * @param name its name
 * @param role what it may do
 * @param expires when it stops working, if ever
 * @param revoked whether it was revoked
 * @param scope its grants and attributes
 */
public record StoredToken(
        long id, String name, TokenRole role, Optional<Instant> expires, boolean revoked, AccessScope scope) {
    /** Whether it authenticates a request at {@code now}: neither revoked nor expired. */
    public boolean usable(Instant now) {
        return !revoked && expires.map(now::isBefore).orElse(true);
    }
}
