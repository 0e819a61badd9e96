package dev.outpost.client.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.RowLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Asking for a table's next page while the current one is stored: what is asked, when, and what fails. */
class PagePipelineTest {
    private static final String TABLE = "order_lines";

    private final InMemorySource source = new InMemorySource("v1", Fixtures.schema()).rows(TABLE, rows(2500));

    @Test
    void theNextPageIsAskedForWhenTheEndMarkerArrivesAndTakenFromThere() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000)) {
            RowLines.End end;
            try (ReplicaSource.PageStream first = pages.take(null)) {
                end = readToEnd(first);
            }
            assertEquals(new RowLines.End(1000, "1000"), end);
            pages.endArrived(end);
            awaitServed(2000);
            try (ReplicaSource.PageStream second = pages.take("1000")) {
                assertEquals("1001", firstValue(second));
            }
            assertEquals(2000, source.rowsServed(TABLE), "the page asked for ahead was used, not asked for again");
        }
    }

    @Test
    void aPageAskedForAheadThatIsNotTheOneWantedIsDroppedAndTheRightOneAsked() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000)) {
            pages.endArrived(new RowLines.End(1000, "1000"));
            awaitServed(1000);
            try (ReplicaSource.PageStream page = pages.take("2000")) {
                assertEquals("2001", firstValue(page));
            }
            assertEquals(1500, source.rowsServed(TABLE));
        }
    }

    @Test
    void aRequestThatFailedAheadFailsTheTakeWithItsOwnError() throws Exception {
        source.failAfterPages(TABLE, 0);
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000)) {
            pages.endArrived(new RowLines.End(1000, "1000"));
            OutpostException e = assertThrows(OutpostException.class, () -> pages.take("1000"));
            assertEquals(ErrorCode.SERVER_UNREACHABLE, e.code());
            assertTrue(e.getMessage().contains("connection reset (test)"), e.getMessage());
        }
    }

    @Test
    void theLastPageAsksForNothingMore() throws Exception {
        try (PagePipeline pages = new PagePipeline(source, TABLE, 1000)) {
            pages.endArrived(new RowLines.End(500, null));
            Thread.sleep(200);
            assertEquals(0, source.rowsServed(TABLE));
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

    private static RowLines.End readToEnd(ReplicaSource.PageStream page) throws IOException {
        for (String line; (line = page.lines().readLine()) != null; ) {
            if (RowLines.parse(line) instanceof RowLines.End end) {
                return end;
            }
        }
        throw new AssertionError("no end marker");
    }

    private static String firstValue(ReplicaSource.PageStream page) throws IOException {
        return ((RowLines.Row) RowLines.parse(page.lines().readLine())).values()[1];
    }

    private static List<String[]> rows(int count) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            rows.add(new String[] {Integer.toString(i / 10), Integer.toString(i), "sku-" + i, "1"});
        }
        return rows;
    }
}
