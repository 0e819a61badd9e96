package dev.outpost.client.internal.sync;

import dev.outpost.client.SyncEvent;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.load.TableCopier;
import dev.outpost.client.internal.load.TableLoader;
import dev.outpost.client.internal.schema.HibernateSchemaBuilder;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.DerbyReplicaStore;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.client.internal.store.ShadowProgress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a shadow's table whose new definition only adds columns to the one the replica holds ({@link
 * RebuildPlan#widened()}) without downloading what the replica has: the key and the new columns come
 * from the server ({@link dev.outpost.protocol.SyncPaths#COLUMN_PARAM}), the held columns are copied
 * from the active database, and the two are joined on the key into the new table, which Hibernate
 * created like any other.
 *
 * <p>The held columns are current up to the active database's feed position, the new ones up to the
 * snapshot; the table then follows the feed from the active position, so that every change after it
 * is applied again: a change made under the new definition carries the whole row. One made under the
 * old definition after that position (the replica had not caught up before the release) cannot be
 * applied to the new table: the feed then stops following the table and it is downloaded whole
 * ({@link dev.outpost.client.internal.feed.FeedFollower}). Staging tables hold both halves until the
 * join; an interrupted fill starts again from nothing. A value Derby could not hold in either half
 * sends the table to the ordinary download.
 */
final class AddedColumns {
    private static final Logger LOG = LoggerFactory.getLogger(AddedColumns.class);
    private static final String NEW_STAGE = "OUTPOST_WIDEN_NEW";
    private static final String HELD_STAGE = "OUTPOST_WIDEN_HELD";

    private final ReplicaSource source;
    private final DerbyReplicaStore store;
    private final int pageRows;
    private final Consumer<SyncEvent> events;
    private final LongSupplier bytes;
    private long rowsDownloaded;

    AddedColumns(
            ReplicaSource source,
            DerbyReplicaStore store,
            int pageRows,
            Consumer<SyncEvent> events,
            LongSupplier bytes) {
        this.source = source;
        this.store = store;
        this.pageRows = pageRows;
        this.events = events;
        this.bytes = bytes;
    }

    /** Rows downloaded (the key and new columns of each). */
    long rowsDownloaded() {
        return rowsDownloaded;
    }

    /**
     * Fills {@code table} in the shadow behind {@code c} and commits it with its progress, following the
     * feed from {@code activeFeed}'s position.
     *
     * @param held the columns the replica holds, the first of the new definition
     * @return the table's rows, or -1 when it must be downloaded whole instead (nothing is left behind)
     */
    long fill(Connection c, ReplicaTable table, List<ReplicaColumn> held, FeedState.State activeFeed)
            throws SQLException {
        Set<String> heldNames = held.stream().map(ReplicaColumn::name).collect(Collectors.toSet());
        List<ReplicaColumn> added = table.columns().stream()
                .filter(column -> !heldNames.contains(column.name()))
                .toList();
        ReplicaTable newStage = stage(
                NEW_STAGE,
                table.columns().stream()
                        .filter(column -> !heldNames.contains(column.name())
                                || table.primaryKey().contains(column.name()))
                        .toList(),
                table);
        ReplicaTable heldStage = stage(HELD_STAGE, held, table);
        dropStages(c);
        try (Connection active = store.connect()) {
            if (Quarantine.exists(active) && Quarantine.has(active, table.name())) {
                return -1; // a held value Derby could not hold: its column allows NULL there, not here
            }
            HibernateSchemaBuilder.createTables(c, List.of(newStage, heldStage));
            c.setAutoCommit(false);
            downloadNew(c, table, newStage, added);
            if (Quarantine.exists(c) && Quarantine.has(c, NEW_STAGE)) {
                dropStages(c);
                return -1;
            }
            TableCopier.copy(
                    active,
                    c,
                    new ReplicaTable(
                            table.name(), table.schema(), null, held, table.primaryKey(), List.of(), null, false),
                    heldStage.sqlName());
        }
        long rows;
        try (Statement s = c.createStatement()) {
            rows = s.executeUpdate(join(table, heldNames));
        }
        try (Connection active = store.connect()) {
            Quarantine.copy(active, c, table.name());
        }
        ShadowProgress.record(c, table.name(), new ShadowProgress.Table(null, rows, true));
        // the held columns hold every change up to the active position, or the table's own snapshot
        long heldThrough = Math.max(
                activeFeed.position(), activeFeed.tables().get(table.name()).snapshotPosition());
        FeedState.follow(c, table.name(), new FeedState.Table(table.shape(), heldThrough), activeFeed.position());
        c.commit();
        dropStages(c);
        LOG.info(
                "Added columns {} to {}: {} rows, the held columns kept locally",
                added.stream().map(ReplicaColumn::name).toList(),
                table.name(),
                rows);
        events.accept(new SyncEvent.ColumnsAdded(
                table.name(), added.stream().map(ReplicaColumn::name).toList(), rows));
        events.accept(new SyncEvent.TableLoaded(table.name(), rows));
        return rows;
    }

    /** Downloads the key and the added columns of every row into {@code stage}, a page per commit. */
    private void downloadNew(Connection c, ReplicaTable table, ReplicaTable stage, List<ReplicaColumn> added) {
        List<String> names = added.stream().map(ReplicaColumn::name).toList();
        try (PagePipeline pages = new PagePipeline(source, table.name(), names, pageRows);
                TableLoader loader = new TableLoader(
                        c,
                        stage,
                        0,
                        (end, rows) -> {},
                        rows -> events.accept(new SyncEvent.TableProgress(table.name(), rows, bytes.getAsLong())))) {
            String after = null;
            boolean first = true;
            do {
                var lines = pages.open(after);
                if (first) {
                    events.accept(new SyncEvent.TableStarted(table.name(), pages.estimatedRows()));
                    first = false;
                }
                after = loader.loadPage(after, lines, pages::open, pages::endArrived)
                        .next();
            } while (after != null);
            rowsDownloaded += loader.rows();
        }
    }

    /** The insert that joins both halves on the key into the new table. */
    private static String join(ReplicaTable table, Set<String> heldNames) {
        String columns =
                table.columns().stream().map(c -> Identifiers.sql(c.name())).collect(Collectors.joining(", "));
        String values = table.columns().stream()
                .map(c -> (heldNames.contains(c.name()) ? "h." : "n.") + Identifiers.sql(c.name()))
                .collect(Collectors.joining(", "));
        String on = table.primaryKey().stream()
                .map(k -> "h." + Identifiers.sql(k) + " = n." + Identifiers.sql(k))
                .collect(Collectors.joining(" and "));
        return "insert into " + table.sqlName() + " (" + columns + ") select " + values + " from "
                + Identifiers.sql(HELD_STAGE) + " h join " + Identifiers.sql(NEW_STAGE) + " n on " + on;
    }

    /** A staging table of the shadow's default schema with {@code columns} and {@code table}'s key. */
    private static ReplicaTable stage(String name, List<ReplicaColumn> columns, ReplicaTable table) {
        return new ReplicaTable(name, null, null, columns, table.primaryKey(), List.of(), null, false);
    }

    /** Drops the staging tables if they exist, and commits. */
    private static void dropStages(Connection c) throws SQLException {
        for (String stage : List.of(NEW_STAGE, HELD_STAGE)) {
            boolean exists;
            try (ResultSet rs = c.getMetaData().getTables(null, "APP", stage, null)) {
                exists = rs.next();
            }
            if (exists) {
                try (Statement s = c.createStatement()) {
                    s.executeUpdate("drop table " + Identifiers.sql(stage));
                }
            }
        }
        Quarantine.clear(c, NEW_STAGE);
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }
}
