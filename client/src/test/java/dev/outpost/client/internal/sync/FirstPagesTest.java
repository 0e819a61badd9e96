package dev.outpost.client.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.internal.http.ReplicaSource;
import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.RowLines;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which first pages a rebuild asks for ahead, and how many rows each. */
class FirstPagesTest {
    private static final int LIMIT = 3000;

    private final InMemorySource source = new InMemorySource("v1", Fixtures.schema());

    @Test
    void tablesThatFitOnePageAreAskedForWholeOneAfterTheOtherUntilOneNeedsMorePages() throws Exception {
        source.rows("a", rows(300)).rows("b", rows(2000)).rows("c", rows(5000)).rows("d", rows(10));
        try (FirstPages pages = new FirstPages(source, List.of("a", "b", "c", "d"), LIMIT)) {
            pages.askNext();
            awaitServed("c", LIMIT); // a whole, then b whole, then c's first page, whole
            assertEquals(300, source.rowsServed("a"));
            assertEquals(2000, source.rowsServed("b"));
            Thread.sleep(200);
            assertEquals(0, source.rowsServed("d"), "c has more pages: d is read only after all of c");
            try (ReplicaSource.PageStream a = pages.take("a").get()) {
                assertEquals("1", ((RowLines.Row) RowLines.parse(a.lines().readLine())).values()[0]);
            }
            assertEquals(300, source.rowsServed("a"), "the page taken is the one asked for ahead");
        }
    }

    @Test
    void atMostAheadTablesWaitUnread() throws Exception {
        List<String> tables = List.of("t1", "t2", "t3", "t4", "t5", "t6");
        tables.forEach(t -> source.rows(t, rows(5)));
        try (FirstPages pages = new FirstPages(source, tables, LIMIT)) {
            pages.askNext();
            awaitServed("t4", 5);
            Thread.sleep(200);
            assertEquals(0, source.rowsServed("t5"), FirstPages.AHEAD + " tables asked for ahead at most");
            pages.take("t1").get().close();
            pages.askAhead(); // as after a short table is stored
            awaitServed("t5", 5);
        }
    }

    private void awaitServed(String table, long rows) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (source.rowsServed(table) < rows) {
            assertTrue(System.nanoTime() < deadline, table + "'s page was not asked for within 10 s");
            Thread.sleep(5);
        }
        assertEquals(rows, source.rowsServed(table));
    }

    private static List<String[]> rows(int count) {
        List<String[]> rows = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            rows.add(new String[] {Integer.toString(i), "row " + i});
        }
        return rows;
    }
}
