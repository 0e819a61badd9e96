package dev.outpost.server.changes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryRangesTest {
    @Test
    void theStepIsTenTimesTheRoundestMultipleTheTransactionCrossed() {
        assertEquals(10, HistoryRanges.step(12_344, 12_345)); // one change, crossed nothing round
        assertEquals(100, HistoryRanges.step(12_345, 12_350)); // crossed 12,350
        assertEquals(1_000, HistoryRanges.step(12_350, 12_400));
        assertEquals(10_000, HistoryRanges.step(12_400, 13_000));
        assertEquals(10_000, HistoryRanges.step(19_999, 20_000)); // never wider than the top
        assertEquals(10, HistoryRanges.step(0, 5)); // from the log's start at 0 to 5
    }

    @Test
    void replicasFromDifferentPositionsMeetAtTheTopRangesWithinAFewAnswers() {
        // transactions of 7 changes from position 0: a replica may have stopped at any of their ends
        List<Long> fromFirst = answers(7);
        List<Long> fromLater = answers(7 * 123);
        assertEquals(
                fromFirst.subList(fromFirst.indexOf(20_006L), fromFirst.size()),
                fromLater.subList(fromLater.indexOf(20_006L), fromLater.size()));
        assertEquals(true, fromLater.indexOf(20_006L) <= 4, fromLater.toString());
    }

    /** The ends of the answers a replica at {@code from} gets, for transactions of 7 changes, up to 40,000. */
    private static List<Long> answers(long from) {
        List<Long> ends = new ArrayList<>();
        long position = from;
        while (position < 40_000) {
            long boundary = HistoryRanges.nextMultiple(position, HistoryRanges.step(position - 7, position));
            position = Math.floorDiv(boundary + 6, 7) * 7; // the first transaction end at or past it
            ends.add(position);
        }
        return ends;
    }
}
