package dev.outpost.client.testing;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.RowDigest;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.SyncReport;
import dev.outpost.protocol.TableDigest;
import dev.outpost.protocol.VersionInfo;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** A {@link ReplicaSource} serving fixed rows from memory, in the server's page format. */
public final class InMemorySource implements ReplicaSource {
    private final Map<String, List<String[]>> rows = new HashMap<>();
    private final Set<String> truncated = new HashSet<>();
    private final Map<String, Integer> pagesBeforeFailure = new HashMap<>();
    private final Map<String, Long> rowsServed = new HashMap<>();
    private List<ChangeLines.Change> feed;
    private long horizon;
    private int cutNextAnswerAfter = -1;
    private int answersServed;
    private VersionInfo version;
    private SchemaInfo schema;
    private long bytes;
    private String database = "test-database";
    private CountDownLatch longPollsHeld;
    private boolean stopped;
    private final List<SyncReport> reports = new ArrayList<>();
    private RuntimeException refuseReports;

    public InMemorySource(String tag, SchemaInfo schema) {
        release(tag, schema);
    }

    /** Serves a new release. */
    public synchronized void release(String tag, SchemaInfo schema) {
        this.schema = schema;
        this.version = new VersionInfo(tag, null, schema.fingerprint(), Map.of(), database);
    }

    /** Serves the current release from another database (a restore, or the server pointed elsewhere). */
    public synchronized void replaceDatabase(String database) {
        this.database = database;
        this.version = new VersionInfo(version.tag(), null, schema.fingerprint(), Map.of(), database);
    }

    public InMemorySource rows(String table, List<String[]> tableRows) {
        rows.put(table, tableRows);
        return this;
    }

    /** Pages of this table end without their end marker. */
    public void truncate(String table) {
        truncated.add(table);
    }

    /** The connection breaks when this table's page number {@code pages + 1} is asked for. */
    public void failAfterPages(String table, int pages) {
        pagesBeforeFailure.put(table, pages);
    }

    /** Runs a change feed (empty so far); without one the source answers {@link ErrorCode#FEED_UNAVAILABLE}. */
    public InMemorySource withFeed() {
        feed = new ArrayList<>();
        return this;
    }

    /**
     * Commits one server transaction of changes to the feed: each change is {@code table, op, shape,
     * values...}.
     *
     * @return the position of its last change
     */
    public synchronized long commit(String[]... changes) {
        for (int i = 0; i < changes.length; i++) {
            String[] c = changes[i];
            feed.add(new ChangeLines.Change(
                    Long.toString(feed.size() + 1),
                    c[0],
                    c[1],
                    i == changes.length - 1,
                    c[2],
                    Arrays.copyOfRange(c, 3, c.length)));
        }
        return feed.size();
    }

    /**
     * From now on a long poll that finds no change is held for its whole wait, as a server holds it;
     * the latch counts down when one is.
     */
    public synchronized CountDownLatch holdLongPolls() {
        longPollsHeld = new CountDownLatch(1);
        return longPollsHeld;
    }

    @Override
    public synchronized void stopRequests() {
        stopped = true;
        notifyAll(); // ends a held long poll
    }

    @Override
    public synchronized void resumeRequests() {
        stopped = false;
    }

    /** Positions up to {@code position} can no longer be continued from (retention). */
    public void horizon(long position) {
        horizon = position;
    }

    /** The next changes answer breaks off after {@code lines} change lines, without its end marker. */
    public void cutNextAnswerAfter(int lines) {
        cutNextAnswerAfter = lines;
    }

    /** Changes answers served so far. */
    public int answersServed() {
        return answersServed;
    }

    /** Serves every page again. */
    public void heal() {
        truncated.clear();
        pagesBeforeFailure.clear();
    }

    /** Rows of {@code table} served so far. */
    public synchronized long rowsServed(String table) {
        return rowsServed.getOrDefault(table, 0L);
    }

    @Override
    public synchronized VersionInfo version() {
        return version;
    }

    @Override
    public synchronized SchemaInfo schema() {
        return schema;
    }

    @Override
    public synchronized PageStream openPage(String table, List<String> columns, String after, int limit) {
        Integer left = pagesBeforeFailure.get(table);
        if (left != null) {
            if (left == 0) {
                throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "connection reset (test) on " + table);
            }
            pagesBeforeFailure.put(table, left - 1);
        }
        List<String[]> all = rows.getOrDefault(table, List.of());
        int from = after == null ? 0 : Integer.parseInt(after);
        int to = Math.min(all.size(), from + limit);
        StringBuilder page = new StringBuilder();
        int[] projected = projection(table, columns);
        for (String[] row : all.subList(from, to)) {
            page.append(RowLines.rowLine(projected == null ? row : project(row, projected)));
        }
        if (!truncated.contains(table)) {
            page.append("{\"end\":true,\"rows\":")
                    .append(to - from)
                    .append(",\"next\":")
                    .append(to < all.size() ? "\"" + to + "\"" : "null")
                    .append("}\n");
        }
        bytes += page.length();
        rowsServed.merge(table, (long) (to - from), Long::sum);
        // the next page's cursor is announced before the rows, as the server does
        return new PageStream(
                new BufferedReader(new StringReader(page.toString())), to < all.size() ? Integer.toString(to) : null);
    }

    /** Positions of the named and key columns, as the server projects a page; {@code null}: every column. */
    private int[] projection(String table, List<String> columns) {
        if (columns.isEmpty()) {
            return null;
        }
        var t = schema.tables().stream()
                .filter(s -> s.name().equals(table))
                .findFirst()
                .orElseThrow();
        List<String> names = t.columns().stream().map(ColumnSchema::name).toList();
        return java.util.stream.IntStream.range(0, names.size())
                .filter(i -> columns.contains(names.get(i)) || t.primaryKey().contains(names.get(i)))
                .toArray();
    }

    private static String[] project(String[] row, int[] positions) {
        String[] values = new String[positions.length];
        for (int i = 0; i < positions.length; i++) {
            values[i] = row[positions[i]];
        }
        return values;
    }

    @Override
    public synchronized long feedPosition() {
        if (feed == null) {
            throw new OutpostException(ErrorCode.FEED_UNAVAILABLE, "no feed (test)");
        }
        return feed.size();
    }

    @Override
    public synchronized RowLines.End changes(
            long after, int limit, int waitSeconds, String schemaFingerprint, PageReader reader) {
        feedPosition();
        if (after < horizon || after > feed.size()) {
            throw new OutpostException(ErrorCode.FEED_POSITION_LOST, "position " + after + " is lost (test)");
        }
        answersServed++;
        if (waitSeconds > 0 && after == feed.size()) {
            try {
                if (longPollsHeld != null) {
                    longPollsHeld.countDown();
                    wait(waitSeconds * 1000L); // the whole long poll, as a server holds it, or until stopped
                    if (stopped) {
                        throw new OutpostException(ErrorCode.STOPPED, "stopped (test)");
                    }
                } else {
                    Thread.sleep(20); // a long poll that found nothing new, shortened
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "interrupted (test)");
            }
        }
        StringBuilder answer = new StringBuilder();
        int count = 0;
        String next = Long.toString(after);
        for (int i = (int) after; i < feed.size(); i++) {
            ChangeLines.Change change = feed.get(i);
            if (count == cutNextAnswerAfter) {
                cutNextAnswerAfter = -1;
                return reader.read(new BufferedReader(new StringReader(answer.toString())));
            }
            answer.append(RowLines.rowLine(change.fields()));
            count++;
            next = change.position();
            if (change.last() && count >= limit) {
                break;
            }
        }
        answer.append("{\"end\":true,\"rows\":")
                .append(count)
                .append(",\"next\":\"")
                .append(next)
                .append("\"}\n");
        bytes += answer.length();
        return reader.read(new BufferedReader(new StringReader(answer.toString())));
    }

    @Override
    public TableDigest digest(String table) {
        List<String> types =
                schema.tables().stream()
                        .filter(t -> t.name().equals(table))
                        .findFirst()
                        .orElseThrow()
                        .columns()
                        .stream()
                        .map(ColumnSchema::type)
                        .toList();
        RowDigest digest = new RowDigest();
        for (String[] row : rows.getOrDefault(table, List.of())) {
            String[] canonical = new String[row.length];
            for (int i = 0; i < row.length; i++) {
                canonical[i] = RowDigest.canonical(types.get(i), row[i]);
            }
            digest.add(canonical);
        }
        return new TableDigest(table, digest.rows(), digest.hex());
    }

    /** The sync reports taken so far, oldest first. */
    public synchronized List<SyncReport> reports() {
        return List.copyOf(reports);
    }

    /** From now on a report is not taken: {@link #report} throws {@code failure}, as a broken source would. */
    public synchronized void refuseReports(RuntimeException failure) {
        refuseReports = failure;
    }

    @Override
    public synchronized void report(SyncReport report) {
        if (refuseReports != null) {
            throw refuseReports;
        }
        reports.add(report);
    }

    @Override
    public long bytesReceived() {
        return bytes;
    }
}
