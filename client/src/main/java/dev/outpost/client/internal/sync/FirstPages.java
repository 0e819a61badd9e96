package dev.outpost.client.internal.sync;

import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.internal.http.ReplicaSource.PageStream;
import dev.outpost.client.internal.load.ShortTableInsert;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The first pages of the tables a rebuild downloads from their start, asked for ahead while short
 * tables are being stored: with many small tables the server's time to answer (its query, the round
 * trip) is most of a table's cost, and {@link #AHEAD} answers on the way overlap it with each other
 * and with storing. A page asked for ahead holds at most {@link ShortTableInsert#MAX_ROWS} rows, as
 * much as a short table has: it may wait unread while a long table before it loads, and a short answer
 * is one the server has usually written out whole by then, so it holds no server connection while it
 * waits. A long table whose first page was asked for ahead goes on from that page as usual.
 */
final class FirstPages implements AutoCloseable {
    /** First pages asked for ahead at most. */
    static final int AHEAD = 4;

    private final ReplicaSource source;
    private final int limit;
    private final Deque<String> notAsked;
    private final Map<String, CompletableFuture<PageStream>> asked = new LinkedHashMap<>();

    /** For the tables {@code tables}, in the order they are downloaded, in pages of {@code limit} rows. */
    FirstPages(ReplicaSource source, List<String> tables, int limit) {
        this.source = source;
        this.limit = limit;
        this.notAsked = new ArrayDeque<>(tables);
    }

    /** The first page of {@code table}: the one asked for ahead, or asked for now. */
    CompletableFuture<PageStream> take(String table) {
        notAsked.remove(table);
        CompletableFuture<PageStream> page = asked.remove(table);
        return page != null ? page : ask(table, limit);
    }

    /** Asks for the first pages of the next tables, up to {@link #AHEAD} on the way. */
    void askAhead() {
        while (asked.size() < AHEAD && !notAsked.isEmpty()) {
            String table = notAsked.poll();
            asked.put(table, ask(table, Math.min(limit, ShortTableInsert.MAX_ROWS)));
        }
    }

    /** Closes the pages asked for ahead and not taken (unread, once they arrive). */
    @Override
    public void close() {
        asked.values().forEach(PagePipeline::closeWhenDone);
        asked.clear();
    }

    private CompletableFuture<PageStream> ask(String table, int rows) {
        return CompletableFuture.supplyAsync(() -> source.openPage(table, null, rows), PagePipeline::daemon);
    }
}
