package dev.outpost.protocol;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * The body of a token creation or update. On creation {@code name} and {@code role} are required; on
 * update each member present replaces the stored one ({@code role} cannot change) and {@code expires}
 * may be JSON {@code null} to remove the expiry.
 *
 * @param name a name for people
 * @param role {@code replica}, {@code writer} or {@code admin}
 * @param expires when the token stops working; absent for never
 * @param grants the tables it may read
 * @param attributes values for the row filters' named parameters
 */
public record TokenRequest(
        String name,
        String role,
        OffsetDateTime expires,
        List<TokenInfo.Grant> grants,
        Map<String, List<String>> attributes) {}
