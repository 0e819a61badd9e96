package dev.outpost.client.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.Backoff;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A connection lost inside a page ({@link PageResume}, driven by {@link ReadAhead}): the page is asked
 * for again with the same cursor and read on after the last row read, so every row arrives once, in
 * order, whatever changed on the server meanwhile; the end marker passed on counts the rows handed
 * over. What cannot be resumed fails as a lost connection: a keyless table inside its page, a last row
 * that is gone, a server that stays away.
 */
class PageResumeTest {
    private static final ReplicaTable KEYED = table(List.of("id"));
    private static final ReplicaTable KEYLESS = table(List.of());

    private final List<String> asked = new CopyOnWriteArrayList<>();

    @Test
    void aPageCutInsideIsAskedForAgainAndReadOnAfterItsLastRow() throws Exception {
        ReadAhead ahead = new ReadAhead(
                cutAfter(pageText(ids(1, 20), null), 10),
                KEYED,
                0,
                end -> {},
                resume(KEYED, after -> {
                    asked.add(String.valueOf(after));
                    return page(ids(1, 20), null);
                }),
                null);
        try {
            assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), idsTaken(ahead));
            assertEquals(new RowLines.End(20, null), ahead.end());
            assertEquals(List.of("null"), asked, "the same page (the table's first) was asked for once more");
        } finally {
            ahead.close();
        }
    }

    @Test
    void rowsAddedOrRemovedBeforeTheLastRowReadAreLeftToTheFeed() throws Exception {
        List<Long> changed = new ArrayList<>(List.of(-1L, 0L, 1L, 2L, 3L, 4L, 5L, 7L, 8L, 9L, 10L));
        changed.addAll(ids(11, 20));
        ReadAhead ahead = new ReadAhead(
                cutAfter(pageText(ids(1, 20), "p2"), 10),
                KEYED,
                0,
                end -> {},
                resume(KEYED, after -> page(changed, "p2")),
                null);
        try {
            assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), idsTaken(ahead));
            assertEquals(new RowLines.End(20, "p2"), ahead.end(), "the end marker counts the rows handed over");
        } finally {
            ahead.close();
        }
    }

    @Test
    void aCutInAFollowingPageAsksForThatPageAgain() throws Exception {
        List<RowLines.End> taken = new CopyOnWriteArrayList<>();
        ReadAhead ahead = new ReadAhead(
                page(ids(1, 5), "p2"),
                KEYED,
                0,
                end -> {},
                resume(KEYED, after -> {
                    asked.add(after);
                    return asked.size() == 1 ? cutAfter(pageText(ids(6, 10), null), 2) : page(ids(6, 10), null);
                }),
                taken::add);
        try {
            assertEquals(LongStream.rangeClosed(1, 10).boxed().toList(), idsTaken(ahead));
            assertEquals(List.of("p2", "p2"), asked);
            assertEquals(List.of(new RowLines.End(5, "p2")), taken);
            assertEquals(new RowLines.End(5, null), ahead.end());
        } finally {
            ahead.close();
        }
    }

    @Test
    void aLastRowReadThatIsGoneFailsAsALostConnection() {
        ReadAhead ahead = new ReadAhead(
                cutAfter(pageText(ids(1, 20), null), 10),
                KEYED,
                0,
                end -> {},
                resume(KEYED, after -> page(ids(11, 20), null)),
                null);
        try {
            OutpostException e = assertThrows(OutpostException.class, () -> idsTaken(ahead));
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("no longer on the page"), e.getMessage());
            assertNull(ahead.end());
        } finally {
            ahead.close();
        }
    }

    @Test
    void aKeylessTableCannotResumeInsideItsPage() {
        ReadAhead ahead = new ReadAhead(
                cutAfter(pageText(ids(1, 20), null), 10),
                KEYLESS,
                0,
                end -> {},
                resume(KEYLESS, after -> {
                    asked.add(after);
                    return page(ids(1, 20), null);
                }),
                null);
        try {
            OutpostException e = assertThrows(OutpostException.class, () -> idsTaken(ahead));
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("without a key"), e.getMessage());
            assertEquals(List.of(), asked, "nothing was asked for again");
        } finally {
            ahead.close();
        }
    }

    @Test
    void aServerThatStaysAwayIsAskedALimitedNumberOfTimes() {
        ReadAhead ahead = new ReadAhead(
                cutAfter(pageText(ids(1, 20), null), 10),
                KEYED,
                0,
                end -> {},
                resume(KEYED, after -> {
                    asked.add(after);
                    throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "connection refused (test)");
                }),
                null);
        try {
            OutpostException e = assertThrows(OutpostException.class, () -> idsTaken(ahead));
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("gave up after " + PageResume.MAX_ATTEMPTS), e.getMessage());
            assertEquals(PageResume.MAX_ATTEMPTS, asked.size());
        } finally {
            ahead.close();
        }
    }

    @Test
    void aProblemOtherThanTheConnectionIsNotAskedAgain() {
        ReadAhead ahead = new ReadAhead(
                cutAfter(pageText(ids(1, 20), null), 10),
                KEYED,
                0,
                end -> {},
                resume(KEYED, after -> {
                    asked.add(after);
                    throw new OutpostException(ErrorCode.AUTHENTICATION_FAILED, "token revoked (test)");
                }),
                null);
        try {
            OutpostException e = assertThrows(OutpostException.class, () -> idsTaken(ahead));
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.code());
            assertEquals(1, asked.size());
        } finally {
            ahead.close();
        }
    }

    private static PageResume resume(ReplicaTable table, TableLoader.Pages pages) {
        return new PageResume(table, null, pages, new Backoff(1, 2));
    }

    private static List<Long> idsTaken(ReadAhead ahead) {
        List<Long> ids = new ArrayList<>();
        for (Object[] row = ahead.next(); row != null; row = ahead.next()) {
            ids.add((Long) row[0]);
        }
        return ids;
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    /** A page of rows {@code (id, "r" + id)} with its end marker pointing at {@code next}. */
    private static String pageText(List<Long> ids, String next) {
        StringBuilder out = new StringBuilder();
        try {
            for (long id : ids) {
                RowLines.appendRow(out, new String[] {String.valueOf(id), "r" + id});
            }
            RowLines.appendEnd(out, ids.size(), next);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static BufferedReader page(List<Long> ids, String next) {
        return new BufferedReader(new StringReader(pageText(ids, next)));
    }

    /** The first {@code rows} lines of a page, then a connection reset. */
    private static BufferedReader cutAfter(String page, int rows) {
        int at = 0;
        for (int i = 0; i < rows; i++) {
            at = page.indexOf('\n', at) + 1;
        }
        Reader head = new StringReader(page.substring(0, at));
        return new BufferedReader(new Reader() {
            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                int n = head.read(buf, off, len);
                if (n < 0) {
                    throw new IOException("connection reset (test)");
                }
                return n;
            }

            @Override
            public void close() {}
        });
    }

    private static ReplicaTable table(List<String> key) {
        return new ReplicaTable(
                "notes",
                null,
                "f",
                List.of(
                        new ReplicaColumn("id", "int8", ColumnKind.BIGINT, 0, 0, 0, false),
                        new ReplicaColumn("body", "text", ColumnKind.CLOB, 0, 0, 0, true)),
                key,
                List.of(),
                "s",
                false);
    }
}
