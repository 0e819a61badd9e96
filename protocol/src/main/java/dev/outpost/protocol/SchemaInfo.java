package dev.outpost.protocol;

import java.util.List;

/**
 * The synced tables as data, read from PostgreSQL's catalog. A client builds its replica from this
 * document alone; it never needs the server's entity classes.
 *
 * @param fingerprint fingerprint of all tables together (equals {@link VersionInfo#schemaFingerprint()})
 * @param tables tables sorted by name
 */
public record SchemaInfo(String fingerprint, List<TableSchema> tables) {}
