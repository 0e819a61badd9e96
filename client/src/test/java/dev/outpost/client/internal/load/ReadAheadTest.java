package dev.outpost.client.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
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
import java.io.InterruptedIOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadAhead}: rows come out in order, converted, then the end marker; a bad page fails (its rows
 * are rolled back by the load, so the rows not handed over yet are dropped); the reading thread never holds more than its bound, and {@link
 * ReadAhead#close()} stops it even while it waits for room; with following pages it reads on into the
 * next page before the loading thread has taken the rows of the one before, and a next page that
 * cannot be had fails the load after the rows before it; {@code close()} also ends a reading thread
 * blocked on an answer that stalls or has not started.
 */
class ReadAheadTest {
    private static final ReplicaTable KEYLESS = new ReplicaTable(
            "notes",
            null,
            "f",
            List.of(
                    new ReplicaColumn("id", "int8", ColumnKind.BIGINT, 0, 0, 0, false),
                    new ReplicaColumn("body", "text", ColumnKind.CLOB, 0, 0, 0, true)),
            List.of(),
            List.of(),
            "s",
            false);

    @Test
    void tellsTheEndMarkerAsSoonAsItIsReadBeforeAnyRowIsTaken() throws Exception {
        CompletableFuture<RowLines.End> told = new CompletableFuture<>();
        ReadAhead ahead = new ReadAhead(page(1000, "x", true), KEYLESS, 0, told::complete, null, null);
        try {
            assertEquals(new RowLines.End(1000, "cursor"), told.get(10, TimeUnit.SECONDS));
            assertEquals(1L, ahead.next()[0], "no row was taken before the end marker was told");
        } finally {
            ahead.close();
        }
    }

    @Test
    void handsOverConvertedRowsInOrderThenTheEndMarker() throws IOException {
        int rows = ReadAhead.BATCH_ROWS * 3 + 7;
        ReadAhead ahead = new ReadAhead(page(rows, "x", true), KEYLESS, 100, end -> {}, null, null);
        try {
            for (int i = 1; i <= rows; i++) {
                Object[] row = ahead.next();
                assertEquals((long) i, row[0]);
                assertEquals("x" + i, row[1]);
                assertEquals(100L + i, row[2], "the row number continues after the rows stored before");
            }
            assertNull(ahead.next());
            assertEquals(new RowLines.End(rows, "cursor"), ahead.end());
        } finally {
            ahead.close();
        }
    }

    @Test
    void aTruncatedPageFails() throws IOException {
        ReadAhead ahead = new ReadAhead(page(3, "x", false), KEYLESS, 0, end -> {}, null, null);
        try {
            OutpostException e = assertThrows(OutpostException.class, () -> {
                for (int i = 0; i <= 3; i++) {
                    ahead.next(); // rows not yet handed over when the cut is found are dropped
                }
            });
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertTrue(e.getMessage().contains("truncated"), e.getMessage());
            assertNull(ahead.end());
        } finally {
            ahead.close();
        }
    }

    @Test
    void aWrongValueFailsNamingTheColumn() {
        String lines = RowLines.rowLine(new String[] {"not a number", "x"});
        ReadAhead ahead = new ReadAhead(new BufferedReader(new StringReader(lines)), KEYLESS, 0, end -> {}, null, null);
        try {
            OutpostException e = assertThrows(OutpostException.class, ahead::next);
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertTrue(e.getMessage().contains("notes.id"), e.getMessage());
        } finally {
            ahead.close();
        }
    }

    @Test
    void aReaderThatDiesFailsTheLoadInsteadOfLeavingItWaiting() {
        Reader dying = new Reader() {
            @Override
            public int read(char[] buf, int off, int len) {
                throw new AssertionError("the reading thread died");
            }

            @Override
            public void close() {}
        };
        ReadAhead ahead = new ReadAhead(new BufferedReader(dying), KEYLESS, 0, end -> {}, null, null);
        try {
            OutpostException e = assertTimeoutPreemptively(
                    Duration.ofSeconds(10), () -> assertThrows(OutpostException.class, ahead::next));
            assertEquals(ErrorCode.REPLICA_ERROR, e.code());
            assertTrue(e.getMessage().contains("the reading thread died"), e.getMessage());
        } finally {
            ahead.close();
        }
    }

    @Test
    void readsNoFurtherThanItsBoundAndStopsOnClose() throws Exception {
        // rows of ~64 KiB: the bound (1 MiB of lines) is reached after about 16 of them
        String big = "y".repeat(64 * 1024);
        CountingReader counted = new CountingReader(page(200, big, true));
        ReadAhead ahead = new ReadAhead(new BufferedReader(counted, 1 << 16), KEYLESS, 0, end -> {}, null, null);
        assertEquals(1L, ahead.next()[0]);
        Thread.sleep(300); // time for the reading thread to fill whatever it may hold
        long read = counted.chars.get();
        assertTrue(
                read < 3 * ReadAhead.WAITING_CHARS,
                "read " + read + " chars ahead, the bound is " + ReadAhead.WAITING_CHARS);
        assertTimeoutPreemptively(Duration.ofSeconds(10), ahead::close);
        long atClose = counted.chars.get();
        Thread.sleep(100);
        assertEquals(atClose, counted.chars.get(), "nothing reads the page after close()");
    }

    @Test
    void aRowLargerThanTheBoundStillPasses() throws IOException {
        String huge = "z".repeat((int) ReadAhead.WAITING_CHARS * 2);
        ReadAhead ahead = new ReadAhead(page(3, huge, true), KEYLESS, 0, end -> {}, null, null);
        try {
            for (int i = 1; i <= 3; i++) {
                Object[] row = ahead.next();
                assertEquals(huge.length() + String.valueOf(i).length(), ((String) row[1]).length());
            }
            assertNull(ahead.next());
            assertFalse(ahead.end() == null);
        } finally {
            ahead.close();
        }
    }

    @Test
    void readsIntoTheNextPageBeforeThePageBeforeIsTakenAndTellsEachPageOnceTaken() throws Exception {
        CompletableFuture<String> opened = new CompletableFuture<>();
        List<RowLines.End> taken = new CopyOnWriteArrayList<>();
        TableLoader.Pages following = after -> {
            opened.complete(after);
            return switch (after) {
                case "p2" -> pageOf(11, 10, "p3", true);
                case "p3" -> pageOf(21, 5, null, true);
                default -> throw new AssertionError("no page after " + after);
            };
        };
        ReadAhead ahead =
                new ReadAhead(pageOf(1, 10, "p2", true), KEYLESS, 0, end -> {}, resumed(following), taken::add);
        try {
            assertEquals("p2", opened.get(10, TimeUnit.SECONDS), "opened before any row was taken");
            for (int i = 1; i <= 25; i++) {
                Object[] row = ahead.next();
                assertEquals((long) i, row[0]);
                assertEquals((long) i, row[2], "row numbers run on across pages");
                int pagesTaken = i <= 10 ? 0 : i <= 20 ? 1 : 2;
                assertEquals(pagesTaken, taken.size(), "pages told once their last row was taken, at row " + i);
            }
            assertNull(ahead.next());
            assertEquals(List.of(new RowLines.End(10, "p2"), new RowLines.End(10, "p3")), taken);
            assertEquals(new RowLines.End(5, null), ahead.end(), "the last page's end marker ends the reading");
        } finally {
            ahead.close();
        }
    }

    @Test
    void aNextPageThatCannotBeHadFailsTheLoadAfterTheRowsBeforeIt() throws Exception {
        TableLoader.Pages following = after -> {
            throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "the server went away");
        };
        ReadAhead ahead = new ReadAhead(pageOf(1, 3, "p2", true), KEYLESS, 0, end -> {}, resumed(following), end -> {});
        try {
            for (int i = 1; i <= 3; i++) {
                assertEquals((long) i, ahead.next()[0]);
            }
            OutpostException e = assertThrows(OutpostException.class, ahead::next);
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertNull(ahead.end(), "the load did not reach its last page");
        } finally {
            ahead.close();
        }
    }

    @Test
    void aTruncatedFollowingPageFailsTheLoad() throws Exception {
        ReadAhead ahead = new ReadAhead(
                pageOf(1, 3, "p2", true),
                KEYLESS,
                0,
                end -> {},
                resumed(after -> pageOf(4, 3, null, false)),
                end -> {});
        try {
            OutpostException e = assertThrows(OutpostException.class, () -> {
                for (int i = 0; i <= 6; i++) {
                    ahead.next();
                }
            });
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertTrue(e.getMessage().contains("after 3 rows (truncated)"), e.getMessage());
        } finally {
            ahead.close();
        }
    }

    @Test
    void closeStopsAReaderWaitingForTheNextPagesAnswer() throws Exception {
        CountDownLatch asked = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        TableLoader.Pages neverAnswers = after -> {
            asked.countDown();
            try {
                new CountDownLatch(1).await(); // an answer that does not start
                throw new AssertionError("unreachable");
            } catch (InterruptedException e) {
                interrupted.complete(true);
                Thread.currentThread().interrupt();
                throw new OutpostException(ErrorCode.SERVER_UNREACHABLE, "interrupted", e);
            }
        };
        ReadAhead ahead =
                new ReadAhead(pageOf(1, 3, "p2", true), KEYLESS, 0, end -> {}, resumed(neverAnswers), end -> {});
        assertEquals(1L, ahead.next()[0]);
        assertTrue(asked.await(10, TimeUnit.SECONDS));
        assertTimeoutPreemptively(Duration.ofSeconds(10), ahead::close);
        assertTrue(interrupted.get(1, TimeUnit.SECONDS), "the wait for the answer was interrupted");
    }

    @Test
    void closeStopsAReaderBlockedOnAnAnswerThatStalls() throws Exception {
        CountDownLatch blocked = new CountDownLatch(1);
        Reader stalls = new Reader() {
            private final Reader rows = pageOf(1, 3, "p2", false);

            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                int n = rows.read(buf, off, len);
                if (n > 0) {
                    return n;
                }
                blocked.countDown();
                try {
                    new CountDownLatch(1).await(); // the server stops sending, the connection stays open
                    throw new AssertionError("unreachable");
                } catch (InterruptedException e) {
                    throw new InterruptedIOException("interrupted");
                }
            }

            @Override
            public void close() {}
        };
        ReadAhead ahead = new ReadAhead(new BufferedReader(stalls), KEYLESS, 0, end -> {}, null, null);
        assertTrue(blocked.await(10, TimeUnit.SECONDS));
        assertTimeoutPreemptively(Duration.ofSeconds(10), ahead::close);
    }

    /** The pages of {@link #KEYLESS}, asked for again at once after a lost connection. */
    private static PageResume resumed(TableLoader.Pages pages) {
        return new PageResume(KEYLESS, null, pages, new Backoff(1, 2));
    }

    /** Keyless rows {@code (i, "r" + i)} from {@code first}, with an end marker pointing at {@code next} or cut before it. */
    private static BufferedReader pageOf(int first, int rows, String next, boolean withEnd) {
        return lines(first, rows, "r", next, withEnd);
    }

    /** A page of keyless rows {@code (i, text + i)}, with its end marker or cut before it. */
    private static BufferedReader page(int rows, String text, boolean withEnd) {
        return lines(1, rows, text, "cursor", withEnd);
    }

    /** Keyless rows {@code (i, text + i)} from {@code first}, with an end marker pointing at {@code next} or cut before it. */
    private static BufferedReader lines(int first, int rows, String text, String next, boolean withEnd) {
        StringBuilder out = new StringBuilder();
        try {
            for (int i = first; i < first + rows; i++) {
                RowLines.appendRow(out, new String[] {String.valueOf(i), text + i});
            }
            if (withEnd) {
                RowLines.appendEnd(out, rows, next);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new BufferedReader(new StringReader(out.toString()));
    }

    /** Counts the characters read through it. */
    private static final class CountingReader extends Reader {
        private final Reader in;
        final AtomicLong chars = new AtomicLong();

        CountingReader(Reader in) {
            this.in = in;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            if (n > 0) {
                chars.addAndGet(n);
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
