package dev.outpost.client.internal.sync;

import dev.outpost.client.SyncEvent;
import dev.outpost.client.internal.http.ColumnsRefused;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.load.CopyFunction;
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
import java.io.BufferedReader;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
 * ({@link dev.outpost.client.internal.feed.FeedFollower}).
 *
 * <p>The downloaded half waits in a staging table; the join then reads both halves in key order, each
 * from its own database, and inserts the matching rows in one pass (a merge join: nothing is held in
 * memory, and the held rows are read once). An interrupted fill is not tried again: the next attempt
 * downloads the table whole, which resumes page by page. A value
 * Derby could not hold in either half, or keys that Derby orders differently from the join's
 * comparison, send the table to the ordinary download.
 */
final class AddedColumns {
    private static final Logger LOG = LoggerFactory.getLogger(AddedColumns.class);
    private static final String NEW_STAGE = "OUTPOST_WIDEN_NEW";

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
        if (dropStage(c)) {
            // an earlier fill was interrupted: the ordinary download resumes page by page, so that
            // every attempt gets further than the one before
            LOG.info("Downloading {} whole: its earlier fill was interrupted", table.name());
            return -1;
        }
        long rows;
        try (Connection active = store.connect()) {
            if (Quarantine.exists(active) && Quarantine.has(active, table.name())) {
                return -1; // a held value Derby could not hold: its column allows NULL there, not here
            }
            HibernateSchemaBuilder.createTables(c, List.of(newStage));
            c.setAutoCommit(false);
            if (!downloadNew(c, table, newStage, added) || (Quarantine.exists(c) && Quarantine.has(c, NEW_STAGE))) {
                dropStage(c);
                return -1;
            }
            rows = join(active, c, table, held, newStage);
            if (rows < 0) {
                c.rollback();
                dropStage(c);
                return -1;
            }
            Quarantine.copy(active, c, table.name());
        }
        ShadowProgress.record(c, table.name(), new ShadowProgress.Table(null, rows, true));
        // the held columns hold every change up to the active position, or the table's own snapshot
        long heldThrough = Math.max(
                activeFeed.position(), activeFeed.tables().get(table.name()).snapshotPosition());
        FeedState.follow(c, table.name(), new FeedState.Table(table.shape(), heldThrough), activeFeed.position());
        c.commit();
        dropStage(c);
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

    /**
     * Downloads the key and the added columns of every row into {@code stage}, a page per commit;
     * returns false, having stored nothing, when the server does not send the columns apart ({@link
     * ColumnsRefused}).
     */
    private boolean downloadNew(Connection c, ReplicaTable table, ReplicaTable stage, List<ReplicaColumn> added) {
        List<String> names = added.stream().map(ReplicaColumn::name).toList();
        try (PagePipeline pages = new PagePipeline(source, table.name(), names, pageRows, () -> {});
                TableLoader loader = new TableLoader(
                        c,
                        stage,
                        0,
                        (end, rows) -> {},
                        rows -> events.accept(new SyncEvent.TableProgress(table.name(), rows, bytes.getAsLong())))) {
            String after = null;
            boolean first = true;
            do {
                BufferedReader lines;
                try {
                    lines = pages.open(after);
                } catch (ColumnsRefused e) {
                    LOG.info("Downloading {} whole: {}", table.name(), e.getMessage());
                    return false;
                }
                if (first) {
                    events.accept(new SyncEvent.TableStarted(table.name(), pages.estimatedRows()));
                    first = false;
                }
                after = loader.loadPage(after, lines, pages::open, pages::endArrived)
                        .next();
            } while (after != null);
            rowsDownloaded += loader.rows();
            return true;
        }
    }

    /**
     * Inserts into the new table every row whose key both halves have: the held columns from the active
     * database, the new ones from the staging table, each read in key order and joined by {@link
     * Matches}, stored by one insert from a table function ({@link TableCopier#insert}, Derby's bulk
     * mode). Returns the rows inserted, or -1 when a half's keys do not come in the join's order (the
     * caller rolls back).
     */
    private static long join(
            Connection active, Connection c, ReplicaTable table, List<ReplicaColumn> held, ReplicaTable newStage)
            throws SQLException {
        List<ReplicaColumn> added = newStage.columns().stream()
                .filter(column -> !table.primaryKey().contains(column.name()))
                .toList();
        List<ReplicaColumn> inserted = new ArrayList<>(held);
        inserted.addAll(added);
        String order = table.primaryKey().stream().map(Identifiers::sql).collect(Collectors.joining(", "));
        int[] newAdded = positions(
                newStage.columns(), added.stream().map(ReplicaColumn::name).toList());
        try (Statement heldRead = active.createStatement();
                ResultSet h = heldRead.executeQuery(select(table.sqlName(), held, order));
                Statement newRead = c.createStatement();
                ResultSet n = newRead.executeQuery(select(newStage.sqlName(), newStage.columns(), order))) {
            ResultSet[] sources = new ResultSet[inserted.size()];
            int[] positions = new int[inserted.size()];
            for (int i = 0; i < inserted.size(); i++) {
                sources[i] = i < held.size() ? h : n;
                positions[i] = i < held.size() ? i + 1 : newAdded[i - held.size()];
            }
            Matches matches = new Matches(
                    new KeyOrder(h, positions(held, table.primaryKey())),
                    new KeyOrder(n, positions(newStage.columns(), table.primaryKey())));
            long rows = TableCopier.insert(
                    c,
                    new ReplicaTable(
                            table.name(),
                            table.schema(),
                            table.fingerprint(),
                            inserted,
                            table.primaryKey(),
                            List.of(),
                            table.shape(),
                            table.followed()),
                    CopyFunction.open(matches, inserted, sources, positions));
            if (matches.outOfOrder()) {
                LOG.info("{}'s keys do not sort in the join's order: it is downloaded whole", table.name());
                return -1;
            }
            return rows;
        }
    }

    /** The rows whose key both halves have, in key order: a merge join of two reads ordered by the key. */
    private static final class Matches implements CopyFunction.RowCursor {
        private final KeyOrder held;
        private final KeyOrder added;
        private boolean outOfOrder;

        Matches(KeyOrder held, KeyOrder added) {
            this.held = held;
            this.added = added;
        }

        /** Whether a key came out of the join's order: the join stopped there, and must not be kept. */
        boolean outOfOrder() {
            return outOfOrder;
        }

        @Override
        public boolean next() throws SQLException {
            // both halves move on: from the start, and from the match before
            boolean hasHeld = held.next();
            boolean hasNew = added.next();
            while (hasHeld && hasNew && !held.outOfOrder() && !added.outOfOrder()) {
                int comparison = KeyOrder.compare(held.key(), added.key());
                if (comparison == 0) {
                    return true;
                }
                if (comparison < 0) {
                    hasHeld = held.next();
                } else {
                    hasNew = added.next();
                }
            }
            outOfOrder = held.outOfOrder() || added.outOfOrder();
            return false;
        }
    }

    private static String select(String from, List<ReplicaColumn> columns, String order) {
        return "select "
                + columns.stream().map(column -> Identifiers.sql(column.name())).collect(Collectors.joining(", "))
                + " from " + from + " order by " + order;
    }

    /** 1-based positions of {@code names} among {@code columns}. */
    private static int[] positions(List<ReplicaColumn> columns, List<String> names) {
        List<String> all = columns.stream().map(ReplicaColumn::name).toList();
        return names.stream().mapToInt(name -> all.indexOf(name) + 1).toArray();
    }

    /** A staging table of the shadow's default schema with {@code columns} and {@code table}'s key. */
    private static ReplicaTable stage(String name, List<ReplicaColumn> columns, ReplicaTable table) {
        return new ReplicaTable(name, null, null, columns, table.primaryKey(), List.of(), null, false);
    }

    /**
     * Drops the staging table if it exists, with what the quarantine holds for it, and commits;
     * returns whether it existed.
     */
    private static boolean dropStage(Connection c) throws SQLException {
        boolean exists;
        try (ResultSet rs = c.getMetaData().getTables(null, "APP", NEW_STAGE, null)) {
            exists = rs.next();
        }
        if (exists) {
            try (Statement s = c.createStatement()) {
                s.executeUpdate("drop table " + Identifiers.sql(NEW_STAGE));
            }
        }
        Quarantine.clear(c, NEW_STAGE);
        if (!c.getAutoCommit()) {
            c.commit();
        }
        return exists;
    }
}
