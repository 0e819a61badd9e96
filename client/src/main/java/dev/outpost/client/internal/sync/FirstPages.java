package dev.outpost.client.internal.sync;

import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.http.ReplicaSource.PageStream;
import dev.outpost.client.internal.load.ShortTableInsert;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The first pages of the tables a rebuild downloads from their start, asked for before they are
 * needed, so that the link carries the next tables' rows while the replica still works on the one
 * before: the first table's while the shadow database is created, the next table's once a table's
 * last page is on its way (it arrives while Derby stores that page and builds the table's key), and
 * up to {@link #AHEAD} answers at once while short tables are being stored (with many small tables
 * the server's time to answer and the round trip are most of a table's cost).
 *
 * <p>The next table's page is a whole page, read as soon as the table before is stored; when it holds
 * the whole table, the table after it is asked for whole too, and so on (each is read right after
 * the one-page tables before it). A page asked for further ahead holds at most {@link
 * ShortTableInsert#MAX_ROWS} rows, as much as a short table has: it may wait unread while a long table
 * before it loads, and a short answer is one the server has usually written out whole by then, so it
 * holds no server connection while it waits. A long table whose first page was asked for ahead goes
 * on from that page as usual. Thread-safe: pages are asked for from the threads that read pages and
 * that receive answers, too.
 */
final class FirstPages implements AutoCloseable {
    /** First pages asked for ahead at most. */
    static final int AHEAD = 4;

    private final ReplicaSource source;
    private final int limit;
    private final Deque<String> notAsked;
    private final Map<String, CompletableFuture<PageStream>> asked = new LinkedHashMap<>();
    private boolean closed;

    /** For the tables {@code tables}, in the order they are downloaded, in pages of {@code limit} rows. */
    FirstPages(ReplicaSource source, List<String> tables, int limit) {
        this.source = source;
        this.limit = limit;
        this.notAsked = new ArrayDeque<>(tables);
    }

    /** The first page of {@code table}: the one asked for ahead, or asked for now. */
    synchronized CompletableFuture<PageStream> take(String table) {
        notAsked.remove(table);
        CompletableFuture<PageStream> page = asked.remove(table);
        return page != null ? page : ask(table, limit);
    }

    /** Asks for the first page of the next table, unless it was asked for already. */
    synchronized void askNext() {
        askAhead(1);
    }

    /** Asks for the first pages of the next tables, up to {@link #AHEAD} on the way. */
    synchronized void askAhead() {
        askAhead(AHEAD);
    }

    /** Leaves out {@code tables} (a resumed rebuild has started them): their pages are not asked for ahead. */
    synchronized void skip(Collection<String> tables) {
        notAsked.removeAll(tables);
        for (String table : tables) {
            PagePipeline.closeWhenDone(asked.remove(table));
        }
    }

    /** Closes the pages asked for ahead and not taken (unread, once they arrive); asks for none after. */
    @Override
    public synchronized void close() {
        closed = true;
        asked.values().forEach(PagePipeline::closeWhenDone);
        asked.clear();
    }

    private void askAhead(int upTo) {
        while (!closed && asked.size() < upTo && !notAsked.isEmpty()) {
            String table = notAsked.poll();
            // the next table's page is read as soon as the table before is stored: a whole page
            asked.put(
                    table, asked.isEmpty() ? askWhole(table) : ask(table, Math.min(limit, ShortTableInsert.MAX_ROWS)));
        }
    }

    /** Asks for a whole first page; once it holds its whole table, asks for the next table's ({@link #followWhole}). */
    private CompletableFuture<PageStream> askWhole(String table) {
        CompletableFuture<PageStream> page = ask(table, limit);
        page.whenComplete((answer, failure) -> {
            if (answer != null && answer.next() == null) {
                followWhole();
            }
        });
        return page;
    }

    /**
     * Asks for the next table's first page whole when every page asked for ahead and not taken yet
     * holds its whole table: the next table is read right after them.
     */
    private synchronized void followWhole() {
        if (closed || notAsked.isEmpty() || asked.size() >= AHEAD) {
            return;
        }
        for (CompletableFuture<PageStream> page : asked.values()) {
            if (!page.isDone() || page.isCompletedExceptionally() || page.join().next() != null) {
                return;
            }
        }
        String table = notAsked.poll();
        asked.put(table, askWhole(table));
    }

    private CompletableFuture<PageStream> ask(String table, int rows) {
        return CompletableFuture.supplyAsync(() -> source.openPage(table, null, rows), PagePipeline::daemon);
    }
}
