package dev.outpost.server.version;

import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.view.ScopedSchema;
import dev.outpost.server.catalog.Fingerprints;

/**
 * The version as read at one moment, with the entity tag it is served under, and the schema it was
 * computed from (so that a scope's view of it needs no further read).
 */
record VersionSnapshot(VersionInfo version, String etag, SchemaInfo schema) {
    /**
     * The version as {@code scope} sees it: its tables' fingerprints only, and an entity tag that also
     * covers them, so that two scopes never share a cached answer or a {@code 304}.
     */
    VersionSnapshot scoped(AccessScope scope) {
        if (scope.unrestricted()) {
            return this;
        }
        VersionInfo scoped = ScopedSchema.of(version, schema, scope);
        return new VersionSnapshot(scoped, Fingerprints.of(etag, "scope", scoped.schemaFingerprint()), schema);
    }
}
