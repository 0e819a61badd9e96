package dev.outpost.server.access.view;

import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import dev.outpost.protocol.VersionInfo;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.TableGrant;
import dev.outpost.server.catalog.Fingerprints;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The synced schema as a scope shows it: only granted tables, each with its granted columns and its
 * own fingerprint ({@link ScopedTable}), and a schema fingerprint over those. The version endpoint and
 * the schema endpoint derive their fingerprints here, so they agree for every scope. An unrestricted
 * scope sees the schema unchanged.
 *
 * <p>A grant that no longer fits its table (a granted column dropped, an attribute its filter needs
 * taken away) hides the table, and is logged: a scope fails closed. A filtered table is followed by
 * the feed only while its replica identity is {@code FULL}: without old rows the feed cannot tell
 * whether a changed row left the filter (see {@code docs/security.md}); the replica then keeps it
 * current by digests and reloads, like any table the feed does not follow.
 */
public final class ScopedSchema {
    private static final Logger LOG = Logger.getLogger(ScopedSchema.class.getName());

    private static final int MAX_MISFITS_REMEMBERED = 10_000;
    private static final Set<String> MISFITS_LOGGED = ConcurrentHashMap.newKeySet();

    private ScopedSchema() {}

    /**
     * The schema as {@code scope} sees it.
     *
     * @param fullIdentity protocol names of the tables whose replica identity is {@code FULL} (only
     *     consulted for filtered tables)
     */
    public static SchemaInfo of(SchemaInfo schema, AccessScope scope, Set<String> fullIdentity) {
        if (scope.unrestricted()) {
            return schema;
        }
        Map<String, ScopedTable> views = views(schema, scope);
        List<TableSchema> tables = new ArrayList<>();
        for (ScopedTable view : views.values()) {
            TableSchema t = view.view();
            boolean followed = t.followed() && (!view.filtered() || fullIdentity.contains(t.name()));
            tables.add(
                    followed == t.followed()
                            ? t
                            : new TableSchema(
                                    t.name(),
                                    t.schema(),
                                    t.columns(),
                                    t.primaryKey(),
                                    t.uniqueConstraints(),
                                    t.foreignKeys(),
                                    t.fingerprint(),
                                    t.shape(),
                                    false));
        }
        return new SchemaInfo(fingerprint(tables), List.copyOf(tables));
    }

    /** The version as {@code scope} sees it: the fingerprints of its tables only, its schema fingerprint. */
    public static VersionInfo of(VersionInfo version, SchemaInfo schema, AccessScope scope) {
        if (scope.unrestricted()) {
            return version;
        }
        SchemaInfo scoped = of(schema, scope, Set.of());
        Map<String, String> tables = new LinkedHashMap<>();
        scoped.tables().forEach(t -> tables.put(t.name(), t.fingerprint()));
        return new VersionInfo(
                version.tag(), version.latestChangeSet(), scoped.fingerprint(), tables, version.database());
    }

    /** The schema fingerprint of these tables, as {@code SyncedSchema} computes it. */
    static String fingerprint(List<TableSchema> tables) {
        return Fingerprints.of(
                tables.stream().map(t -> t.name() + "=" + t.fingerprint()).toArray(String[]::new));
    }

    /**
     * Logs a grant that no longer fits its table once per instance (every request of its token would
     * repeat it); a grant changed since, or a new reason, is logged again.
     */
    private static void warnOnce(String table, TableGrant grant, String reason) {
        if (MISFITS_LOGGED.size() >= MAX_MISFITS_REMEMBERED) {
            MISFITS_LOGGED.clear();
        }
        if (MISFITS_LOGGED.add(grant + " " + reason)) {
            LOG.log(Level.WARNING, "a grant on table {0} no longer fits it and hides it: {1}", new Object[] {
                table, reason
            });
        }
    }

    /** The granted tables that fit their grants, by name, in the schema's order. */
    private static Map<String, ScopedTable> views(SchemaInfo schema, AccessScope scope) {
        Map<String, TableSchema> byName = new HashMap<>();
        schema.tables().forEach(t -> byName.put(t.name(), t));
        // first the columns each granted table shows, so that foreign keys to hidden columns are dropped
        Map<String, Set<String>> visible = new HashMap<>();
        Map<String, TableGrant> grants = new LinkedHashMap<>();
        for (TableSchema table : schema.tables()) {
            Optional<TableGrant> grant = scope.grant(table.name());
            if (grant.isEmpty()) {
                continue;
            }
            try {
                ScopedTable view = ScopedTable.of(table, grant.get(), scope, (t, c) -> false);
                visible.put(
                        table.name(),
                        Set.copyOf(view.view().columns().stream()
                                .map(ColumnSchema::name)
                                .toList()));
                grants.put(table.name(), grant.get());
            } catch (InvalidGrantException e) {
                warnOnce(table.name(), grant.get(), e.getMessage());
            }
        }
        Map<String, ScopedTable> views = new LinkedHashMap<>();
        grants.forEach((name, grant) -> views.put(
                name,
                ScopedTable.of(
                        byName.get(name),
                        grant,
                        scope,
                        (t, c) -> visible.containsKey(t) && visible.get(t).containsAll(c))));
        return views;
    }
}
