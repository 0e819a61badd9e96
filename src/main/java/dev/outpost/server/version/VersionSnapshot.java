package dev.outpost.server.version;

import dev.outpost.protocol.VersionInfo;

/** The version as read at one moment, with the entity tag it is served under. */
record VersionSnapshot(VersionInfo version, String etag) {}
