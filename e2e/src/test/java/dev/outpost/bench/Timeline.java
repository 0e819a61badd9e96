package dev.outpost.bench;

import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncListener;
import java.util.Locale;

/**
 * Where the wall time of one full sync goes, from its progress events: the version check and schema,
 * the shadow's creation up to the first stored rows, the pages, and the end (keys, row counts, swap).
 * Each page reports its rows every {@code 10,000} and once more at its end (its commit, or in a
 * table's first load in one statement the moment its last row is taken), so the pages' time splits
 * into page starts (from a page's end to the next progress report: the switch to the next page
 * <em>and</em> its first {@code 10,000} rows, less when the page boundary is not a multiple of
 * {@code 10,000}; compare with the steady figure), page ends (from the last row handed to Derby to the
 * page's end report; the last one includes adding the primary key) and the steady rows between.
 */
final class Timeline implements SyncListener {
    private final long start = System.nanoTime();
    private long rebuildStarted;
    private long firstProgress;
    private long lastProgress;
    private long lastRows = -1;
    private boolean afterCommit;
    private long pageStarts;
    private long pageEnds;
    private long lastPageEnd;
    private long steady;
    private int steadyIntervals;
    private long tableLoaded;
    private long completed;

    @Override
    public void onEvent(SyncEvent event) {
        long now = System.nanoTime() - start;
        if (event instanceof SyncEvent.RebuildStarted) {
            rebuildStarted = now;
        } else if (event instanceof SyncEvent.TableProgress p) {
            progress(now, p.rowsSoFar());
        } else if (event instanceof SyncEvent.TableLoaded) {
            tableLoaded = now;
        } else if (event instanceof SyncEvent.RebuildCompleted) {
            completed = now;
        }
    }

    private void progress(long now, long rows) {
        if (lastRows < 0) {
            firstProgress = now;
        } else if (rows == lastRows) {
            lastPageEnd = now - lastProgress;
            pageEnds += lastPageEnd;
            afterCommit = true;
        } else if (afterCommit) {
            pageStarts += now - lastProgress;
            afterCommit = false;
        } else {
            steady += now - lastProgress;
            steadyIntervals++;
        }
        lastRows = rows;
        lastProgress = now;
    }

    void print() {
        System.out.printf(
                Locale.ROOT,
                "phases: version and schema %.2f s, shadow to first 10k rows %.2f s, pages %.2f s (page starts"
                        + " %.2f s, page ends %.2f s of which the last %.2f s, steady %.1f ms per 10k rows),"
                        + " row counts and swap %.2f s%n",
                rebuildStarted / 1e9,
                (firstProgress - rebuildStarted) / 1e9,
                (tableLoaded - firstProgress) / 1e9,
                pageStarts / 1e9,
                pageEnds / 1e9,
                lastPageEnd / 1e9,
                steadyIntervals == 0 ? 0 : steady / 1e6 / steadyIntervals,
                (completed - tableLoaded) / 1e9);
    }
}
