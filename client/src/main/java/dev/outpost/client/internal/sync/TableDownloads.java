package dev.outpost.client.internal.sync;

import dev.outpost.client.SyncEvent;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.load.ShortTableInsert;
import dev.outpost.client.internal.load.TableLoader;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.FeedState;
import dev.outpost.client.internal.store.ShadowProgress;
import dev.outpost.protocol.RowLines;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads tables into a shadow database for {@link ShadowBuilder}, which decides which tables and
 * in what order. A short table not started yet is stored in the open transaction of a {@link
 * TableGroup}; a longer table's first download stores all its pages in one transaction (Derby's bulk
 * mode), after committing a mark ({@link ShadowProgress.Table#WHOLE_LOAD_TRIED}) that sends an
 * interrupted attempt's successor page by page, each page committed with the table's progress ({@link
 * ShadowProgress}), so that it resumes where it stopped.
 */
final class TableDownloads {
    private static final Logger LOG = LoggerFactory.getLogger(TableDownloads.class);

    private final ReplicaSource source;
    private final int pageRows;
    private final Consumer<SyncEvent> events;
    private final LongSupplier bytes;
    private long rowsDownloaded;

    TableDownloads(ReplicaSource source, int pageRows, Consumer<SyncEvent> events, LongSupplier bytes) {
        this.source = source;
        this.pageRows = pageRows;
        this.events = events;
        this.bytes = bytes;
    }

    /** Rows downloaded (not counting those a resumed shadow already had). */
    long rowsDownloaded() {
        return rowsDownloaded;
    }

    /**
     * Downloads a table; with {@code followFrom}, the commit of its last page records it as following
     * the feed. A short table not started yet is stored in {@code group}'s transaction, and the first
     * pages of the next tables are asked for ahead; any other download commits the group first, then
     * its own pages.
     */
    long download(
            Connection c,
            TableGroup group,
            FirstPages firstPages,
            ReplicaTable table,
            ShadowProgress.Table done,
            Optional<Long> followFrom)
            throws SQLException {
        if (done.done()) {
            events.accept(new SyncEvent.TableLoaded(table.name(), done.rows()));
            return done.rows();
        }
        boolean fromStart = done.equals(ShadowProgress.Table.NOT_STARTED);
        // once the table's last page is on its way, the next table's first page is asked for
        try (PagePipeline pages = fromStart
                ? new PagePipeline(source, table.name(), pageRows, firstPages::askNext, firstPages.take(table.name()))
                : new PagePipeline(source, table.name(), pageRows, firstPages::askNext)) {
            if (fromStart) {
                ShortTableInsert.FirstPage first = ShortTableInsert.firstPage(table, pages::open);
                if (first.isShort()) {
                    started(table, pages);
                    firstPages.askAhead();
                    RowLines.End end = ShortTableInsert.insert(c, table, first.lines());
                    recordPage(c, table, end, end.rows(), followFrom);
                    rowsDownloaded += end.rows();
                    group.add(end.rows());
                    events.accept(new SyncEvent.TableProgress(table.name(), end.rows(), bytes.getAsLong()));
                    events.accept(new SyncEvent.TableLoaded(table.name(), end.rows()));
                    return end.rows();
                }
                group.commit();
                // all pages in one transaction, which Derby stores in its bulk mode; should it be
                // interrupted, the mark sends the next attempt page by page, which can resume
                ShadowProgress.record(c, table.name(), ShadowProgress.Table.WHOLE_LOAD_TRIED);
                c.commit();
                started(table, pages);
                try (TableLoader loader = loader(c, table, 0, followFrom)) {
                    loader.loadAll(first.lines(), pages::open, pages::endArrived);
                    return loaded(table, loader, 0);
                }
            }
            group.commit();
            try (TableLoader loader = loader(c, table, done.rows(), followFrom)) {
                String after = done.next();
                if (after != null) {
                    LOG.info("Resuming {} after {} rows", table.name(), done.rows());
                }
                do {
                    after = loader.loadPage(after, pages.open(after), pages::open, pages::endArrived)
                            .next();
                } while (after != null);
                return loaded(table, loader, done.rows());
            }
        }
    }

    /**
     * Reports a table's download from its start, once what came before is committed (so that a process
     * stopped while it is being reported has still moved on).
     */
    private void started(ReplicaTable table, PagePipeline pages) {
        events.accept(new SyncEvent.TableStarted(table.name(), pages.estimatedRows()));
    }

    /** A loader for {@code table}, whose pages are each committed with the table's progress. */
    private TableLoader loader(Connection c, ReplicaTable table, long rowsBefore, Optional<Long> followFrom) {
        return new TableLoader(
                c,
                table,
                rowsBefore,
                (end, rows) -> recordPage(c, table, end, rows, followFrom),
                rows -> events.accept(new SyncEvent.TableProgress(table.name(), rows, bytes.getAsLong())));
    }

    /**
     * Records in the open transaction the table's progress after the page that ended with {@code end};
     * after its last page, with {@code followFrom}, the table follows the feed from there.
     */
    private static void recordPage(
            Connection c, ReplicaTable table, RowLines.End end, long rows, Optional<Long> followFrom)
            throws SQLException {
        ShadowProgress.record(c, table.name(), new ShadowProgress.Table(end.next(), rows, end.next() == null));
        if (end.next() == null && followFrom.isPresent()) {
            long from = followFrom.get();
            FeedState.follow(c, table.name(), new FeedState.Table(table.shape(), from), from);
        }
    }

    private long loaded(ReplicaTable table, TableLoader loader, long rowsBefore) {
        rowsDownloaded += loader.rows() - rowsBefore;
        LOG.debug("Loaded {}: {} rows", table.name(), loader.rows());
        events.accept(new SyncEvent.TableLoaded(table.name(), loader.rows()));
        return loader.rows();
    }
}
