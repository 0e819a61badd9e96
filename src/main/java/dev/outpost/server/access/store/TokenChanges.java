package dev.outpost.server.access.store;

import dev.outpost.server.access.TableGrant;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a token creation sets, or an update replaces: each member is null when it is left as it is.
 *
 * @param name a name for people, unique among tokens not revoked
 * @param role what the token may do (creation only)
 * @param expires when it stops working: empty for never
 * @param grants the tables it may read, validated before they are stored
 * @param attributes values for the row filters' named parameters
 */
public record TokenChanges(
        String name,
        TokenRole role,
        Optional<Instant> expires,
        List<TableGrant> grants,
        Map<String, List<String>> attributes) {

    /** A readable summary for the audit. */
    String describe() {
        StringBuilder b = new StringBuilder();
        if (name != null) {
            b.append("name=").append(name).append(' ');
        }
        if (role != null) {
            b.append("role=").append(role.wireName()).append(' ');
        }
        if (expires != null) {
            b.append("expires=")
                    .append(expires.map(Instant::toString).orElse("never"))
                    .append(' ');
        }
        if (grants != null) {
            b.append("grants=[");
            for (int i = 0; i < grants.size(); i++) {
                TableGrant g = grants.get(i);
                b.append(i == 0 ? "" : ", ").append(g.table());
                g.columns().ifPresent(c -> b.append(c));
                g.rowFilter().ifPresent(f -> b.append(" where ").append(f));
            }
            b.append("] ");
        }
        if (attributes != null) {
            b.append("attributes=").append(attributes).append(' ');
        }
        return b.toString().trim();
    }
}
