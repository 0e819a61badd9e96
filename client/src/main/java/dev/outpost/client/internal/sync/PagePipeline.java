package dev.outpost.client.internal.sync;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The pages of one table's download, each asked for while the page before it is still streaming: as
 * soon as a page's answer starts with the next page's cursor ({@link ReplicaSource.PageStream#next()}),
 * or else once its end marker has been read ({@link #endArrived}), the request for the next page goes
 * out on a thread of its own. The server's time to answer and the network's round trip then pass
 * while the page before still arrives, and the link never idles between pages; the next answer waits
 * in the connection (TCP flow control, not memory) until it is read.
 *
 * <p>Once the pipeline knows the page it opened is the table's last (the server announced the pages
 * before it and none after it, or the page's end marker says so), it runs {@code lastPage}, once: the
 * download asks for the next table's first page there ({@link FirstPages}).
 *
 * <p>At most one page is asked for ahead. A page asked for ahead that is not wanted after all (the
 * page before it failed to store, or the download stopped) is closed unread by {@link #close()}; a
 * request that failed surfaces as the same {@link OutpostException} when the page is taken, exactly as
 * if it had been sent then. A thread interrupted while it waits for the answer stops waiting (the
 * answer is closed once it has started).
 */
final class PagePipeline implements AutoCloseable {
    private final ReplicaSource source;
    private final String table;
    private final List<String> columns;
    private final int limit;
    private final Runnable lastPage;
    private boolean announced;
    private boolean lastPageSeen;
    private String aheadAfter;
    private CompletableFuture<ReplicaSource.PageStream> ahead;
    private ReplicaSource.PageStream current;
    private OptionalLong estimatedRows = OptionalLong.empty();
    private String currentAfter;

    /** A pipeline of whole rows that runs {@code lastPage} once its last page is known. */
    PagePipeline(ReplicaSource source, String table, int limit, Runnable lastPage) {
        this(source, table, List.of(), limit, lastPage);
    }

    /** A pipeline of pages that carry only the key and {@code columns} ({@link ReplicaSource#openPage}). */
    PagePipeline(ReplicaSource source, String table, List<String> columns, int limit, Runnable lastPage) {
        this.source = source;
        this.table = table;
        this.columns = List.copyOf(columns);
        this.limit = limit;
        this.lastPage = lastPage;
    }

    /** A pipeline whose first page ({@code after} {@code null}) was asked for already: {@code first}. */
    PagePipeline(
            ReplicaSource source,
            String table,
            int limit,
            Runnable lastPage,
            CompletableFuture<ReplicaSource.PageStream> first) {
        this(source, table, limit, lastPage);
        this.ahead = first;
    }

    private ReplicaSource.PageStream take(String after) {
        CompletableFuture<ReplicaSource.PageStream> asked;
        synchronized (this) {
            asked = Objects.equals(after, aheadAfter) ? ahead : null;
            if (asked != null) {
                ahead = null;
                aheadAfter = null;
            }
        }
        if (asked == null) {
            if (!Objects.equals(after, currentAfter)) {
                discardAhead(); // not wanted: the load went elsewhere; but a page asked for again keeps it
            }
            return source.openPage(table, columns, after, limit);
        }
        try {
            return asked.get();
        } catch (InterruptedException e) {
            closeWhenDone(asked);
            Thread.currentThread().interrupt();
            throw new OutpostException(
                    ErrorCode.SERVER_UNREACHABLE, "Interrupted while waiting for a page of table " + table, e);
        } catch (ExecutionException e) {
            // the request cannot throw a checked exception: its cause is a RuntimeException or an Error
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e.getCause();
        }
    }

    /**
     * The lines of the page after {@code after}: the one asked for ahead if it is that page, else
     * asked for now. Closes the page opened before; the pipeline closes this one, when the next one
     * is opened or when it is closed.
     */
    BufferedReader open(String after) {
        closeCurrent();
        current = take(after);
        currentAfter = after;
        if (after == null) {
            estimatedRows = current.estimatedRows();
        }
        if (current.next() != null) {
            announced = true;
            askAhead(current.next());
        } else if (announced) {
            lastPage();
        }
        return current.lines();
    }

    /** The server's estimate of the table's rows, once its first page was opened, if it sent one. */
    OptionalLong estimatedRows() {
        return estimatedRows;
    }

    /**
     * Called on the reading thread with a page's end marker, before the page is stored: asks for the
     * next page, if there is one, without waiting for the answer.
     */
    void endArrived(RowLines.End end) {
        if (end.next() != null) {
            askAhead(end.next());
        } else {
            lastPage();
        }
    }

    private void lastPage() {
        synchronized (this) {
            if (lastPageSeen) {
                return;
            }
            lastPageSeen = true;
        }
        lastPage.run();
    }

    /** Asks for the page after {@code after} on a thread of its own, unless it was asked for already. */
    private void askAhead(String after) {
        synchronized (this) {
            if (after.equals(aheadAfter)) {
                return;
            }
        }
        replaceAhead(
                after,
                CompletableFuture.supplyAsync(
                        () -> source.openPage(table, columns, after, limit), PagePipeline::daemon));
    }

    /**
     * Drops the page asked for ahead, if any (closed unread once its answer has started), and closes
     * the page opened last.
     */
    @Override
    public void close() {
        discardAhead();
        closeCurrent();
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    private void discardAhead() {
        replaceAhead(null, null);
    }

    /** Makes {@code asked} the page asked for ahead; the one it replaces is closed once it has started. */
    private void replaceAhead(String after, CompletableFuture<ReplicaSource.PageStream> asked) {
        CompletableFuture<ReplicaSource.PageStream> replaced;
        synchronized (this) {
            replaced = ahead;
            ahead = asked;
            aheadAfter = after;
        }
        closeWhenDone(replaced);
    }

    static void closeWhenDone(CompletableFuture<ReplicaSource.PageStream> asked) {
        if (asked != null) {
            asked.whenComplete((page, failure) -> {
                if (page != null) {
                    page.close();
                }
            });
        }
    }

    static void daemon(Runnable request) {
        Thread thread = new Thread(request, "outpost-next-page");
        thread.setDaemon(true);
        thread.start();
    }
}
