package dev.outpost.client.internal.sync;

import dev.outpost.client.ReplicaStatus;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.store.HeldColumns;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which tables a migration rebuilds: a table whose server fingerprint equals the one the replica
 * holds is kept (copied locally into the new database), every other table is downloaded, and tables
 * the server no longer syncs are dropped.
 *
 * <p>Foreign keys force nothing extra: the server's table fingerprint covers the table's own foreign
 * keys (columns, referenced table and columns), so a change to how a table references another changes
 * its fingerprint; and the replica creates no foreign-key constraints, so a rebuilt parent never
 * invalidates a kept child's definition. Rows of different tables were never one snapshot (each table
 * is paged on its own), so keeping a table's rows weakens no guarantee the replica made.
 *
 * @param tables every table of the new version, in the server's order
 * @param download names of the tables to download
 * @param kept names of the tables to keep
 * @param dropped names of the replica's tables the new version no longer has
 * @param widened of the tables to download, those whose new definition only adds columns to the one
 *     the replica holds, with the held columns: only their key and new columns are downloaded ({@link
 *     AddedColumns})
 */
record RebuildPlan(
        List<ReplicaTable> tables,
        List<String> download,
        List<String> kept,
        List<String> dropped,
        Map<String, List<ReplicaColumn>> widened) {

    /**
     * The plan from the replica's state (empty for a first sync) to the preflighted {@code tables}.
     *
     * @param feed the replica's change-feed state, when it follows the feed
     * @param following whether the new database will follow the feed: a table the feed follows is then
     *     kept only when the replica followed it too (with the same row shape), else its changes since
     *     the replica was built would be missing
     */
    static RebuildPlan of(
            Optional<ReplicaStatus.Local> local,
            List<ReplicaTable> tables,
            Optional<FeedState.State> feed,
            boolean following) {
        Map<String, String> held = new HashMap<>();
        local.ifPresent(l -> l.tables().forEach(t -> held.put(t.name(), t.fingerprint())));
        List<String> kept = tables.stream()
                .filter(t -> t.fingerprint() != null && Objects.equals(held.get(t.name()), t.fingerprint()))
                .filter(t -> !following
                        || !t.followed()
                        || feed.map(f -> f.tables().get(t.name()))
                                .filter(f -> Objects.equals(f.shape(), t.shape()))
                                .isPresent())
                .map(ReplicaTable::name)
                .toList();
        List<String> download = tables.stream()
                .map(ReplicaTable::name)
                .filter(name -> !kept.contains(name))
                .toList();
        Set<String> names = tables.stream().map(ReplicaTable::name).collect(Collectors.toSet());
        List<String> dropped = held.keySet().stream()
                .filter(name -> !names.contains(name))
                .sorted()
                .toList();
        return new RebuildPlan(List.copyOf(tables), download, kept, dropped, Map.of());
    }

    /** The same tables, every one downloaded whole. */
    RebuildPlan downloadAll() {
        return new RebuildPlan(tables, tables.stream().map(ReplicaTable::name).toList(), List.of(), dropped, Map.of());
    }

    /**
     * The same plan, with each table to download that only gained columns marked as widened: a table
     * with a primary key, whose held definition ({@code held}) has the same key and whose held columns
     * come first in the new definition, unchanged, and which the replica follows in {@code feed} (its
     * held columns are then current up to the feed position, and every change after it is applied).
     */
    RebuildPlan withWidened(Map<String, HeldColumns.Held> held, Optional<FeedState.State> feed) {
        Map<String, List<ReplicaColumn>> widened = new HashMap<>();
        for (ReplicaTable table : tables) {
            HeldColumns.Held before = held.get(table.name());
            boolean followed = table.followed()
                    && feed.map(f -> f.tables().containsKey(table.name())).orElse(false);
            if (download.contains(table.name())
                    && followed
                    && before != null
                    && !table.primaryKey().isEmpty()
                    && before.primaryKey().equals(table.primaryKey())
                    && table.columns().size() > before.columns().size()
                    && table.columns().subList(0, before.columns().size()).equals(before.columns())) {
                widened.put(table.name(), before.columns());
            }
        }
        return new RebuildPlan(tables, download, kept, dropped, Map.copyOf(widened));
    }

    /** Whether the new version has exactly the replica's tables, unchanged. */
    boolean changesNothing() {
        return download.isEmpty() && dropped.isEmpty();
    }
}
