package dev.outpost.server.access;

import java.util.Optional;

/**
 * Who sent the request being answered, as authenticated by its bearer token.
 *
 * @param tokenId the stored token's id; empty for a bootstrap token of the settings
 * @param name the stored token's name, or the bootstrap token's kind ({@code replica}, {@code writer},
 *     {@code admin})
 * @param scope what the caller may read
 */
public record Caller(Optional<Long> tokenId, String name, AccessScope scope) {
    /** A bootstrap token of the settings: unrestricted. */
    public static Caller bootstrap(String kind) {
        return new Caller(Optional.empty(), kind, AccessScope.UNRESTRICTED);
    }

    /** How the audit names this caller: {@code token 7 (laptop-17)} or {@code bootstrap admin token}. */
    public String describe() {
        return tokenId.map(id -> "token " + id + " (" + name + ")").orElse("bootstrap " + name + " token");
    }
}
