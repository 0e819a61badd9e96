package dev.outpost.client.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.RowLines;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Asking for a table's next page while the current one is stored: what is asked, when, and what fails. */
class PagePipelineTest {
    private static final String TABLE = "order_lines";

    /** How often a pipeline said its table's last page is known. */
    private final AtomicInteger lastPages = new AtomicInteger();

    private final InMemorySource source = new InMemorySource("v1", Fixtures.schema()).rows(TABLE, rows(2500));

    @Test
    void theNextPageIsAskedForAsSoonAsThePageBeforeStartsAndTakenFromThere() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            BufferedReader first = pages.open(null);
            awaitServed(2000); // the second page was asked for before a row of the first was read
            RowLines.End end = readToEnd(first);
            assertEquals(new RowLines.End(1000, "1000"), end);
            pages.endArrived(end);
            assertEquals("1001", firstValue(pages.open("1000")));
            awaitServed(2500); // the third, asked for when the second started; the second not asked again
        }
    }

    @Test
    void aPageAskedForAgainKeepsThePageAskedForAfterIt() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            pages.open(null);
            awaitServed(2000);
            assertEquals("1", firstValue(pages.open(null)), "the first page again, as after a lost connection");
            awaitServed(3000);
            assertEquals("1001", firstValue(pages.open("1000")));
            awaitServed(3500); // the second page came from the request made before, not a new one
        }
    }

    @Test
    void theEndMarkerAsksForTheNextPageWhenTheAnswerDidNotAnnounceIt() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            pages.endArrived(new RowLines.End(1000, "1000"));
            awaitServed(1000);
            assertEquals("1001", firstValue(pages.open("1000")));
            awaitServed(1500);
        }
    }

    @Test
    void aPageAskedForAheadThatIsNotTheOneWantedIsDroppedAndTheRightOneAsked() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            pages.endArrived(new RowLines.End(1000, "1000"));
            awaitServed(1000);
            assertEquals("2001", firstValue(pages.open("2000")));
            assertEquals(1500, source.rowsServed(TABLE));
        }
    }

    @Test
    void aRequestThatFailedAheadFailsTheTakeWithItsOwnError() throws Exception {
        source.failAfterPages(TABLE, 0);
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            pages.endArrived(new RowLines.End(1000, "1000"));
            OutpostException e = assertThrows(OutpostException.class, () -> pages.open("1000"));
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("connection reset (test)"), e.getMessage());
        }
    }

    @Test
    void theLastPageAsksForNothingMore() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            pages.endArrived(new RowLines.End(500, null));
            Thread.sleep(200);
            assertEquals(0, source.rowsServed(TABLE));
            assertEquals(1, lastPages.get(), "the end marker without a next page tells the download so");
            pages.endArrived(new RowLines.End(500, null));
            assertEquals(1, lastPages.get(), "told once");
        }
    }

    @Test
    void aLastPageAfterAnnouncedOnesIsKnownAsItOpensBeforeItsRowsAreRead() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000, lastPages::incrementAndGet)) {
            pages.open(null);
            assertEquals(0, lastPages.get(), "the first page announced a next one");
            pages.open("1000");
            assertEquals(0, lastPages.get());
            BufferedReader last = pages.open("2000");
            assertEquals(1, lastPages.get(), "the third page announced none: the table's last");
            assertEquals(new RowLines.End(500, null), readToEnd(last));
            pages.endArrived(new RowLines.End(500, null));
            assertEquals(1, lastPages.get(), "told once");
        }
    }

    private void awaitServed(long rows) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (source.rowsServed(TABLE) < rows) {
            assertTrue(System.nanoTime() < deadline, "the page was not asked for within 10 s");
            Thread.sleep(5);
        }
        assertEquals(rows, source.rowsServed(TABLE));
    }

    private static RowLines.End readToEnd(BufferedReader page) throws IOException {
        for (String line; (line = page.readLine()) != null; ) {
            if (RowLines.parse(line) instanceof RowLines.End end) {
                return end;
            }
        }
        throw new AssertionError("no end marker");
    }

    private static String firstValue(BufferedReader page) throws IOException {
        return ((RowLines.Row) RowLines.parse(page.readLine())).values()[1];
    }

    private static List<String[]> rows(int count) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            rows.add(new String[] {Integer.toString(i / 10), Integer.toString(i), "sku-" + i, "1"});
        }
        return rows;
    }
}
