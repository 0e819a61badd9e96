package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.outpost.client.SyncEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link SyncProgress} with its output redirected: plain lines, no carriage return, a few seconds apart. */
class SyncProgressTest {
    private final AtomicLong clock = new AtomicLong();
    private final StringWriter text = new StringWriter();
    private final SyncProgress progress = new SyncProgress(new PrintWriter(text), false, clock::get);

    @Test
    void redirectedOutputPrintsPlainLinesWithTheTableAndItsRowsEveryFewSeconds() {
        progress.onEvent(new SyncEvent.RebuildStarted("tag v1 -> v2", List.of("companies", "users")));
        progress.onEvent(new SyncEvent.TableProgress("companies", 20, 1_000));
        progress.onEvent(new SyncEvent.TableLoaded("companies", 20));
        for (int second = 1; second <= 12; second++) {
            progress.onEvent(new SyncEvent.TableProgress("users", second * 10_000L, 0));
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
            progress.onEvent(new SyncEvent.TableProgress("users", second * 10_000L + 5_000, 0));
        }
        progress.onEvent(new SyncEvent.TableLoaded("users", 123_456));
        progress.onEvent(new SyncEvent.ChangesApplied(3, 42));
        progress.close();

        String out = text.toString();
        assertFalse(out.contains("\r"), out);
        assertEquals(
                List.of(
                        "updating replica (tag v1 -> v2): 2 tables",
                        "  companies: 20 rows",
                        "  users [2/2]: 55000 rows, 11000 rows/s",
                        "  users [2/2]: 105000 rows, 10500 rows/s",
                        "  users: 123456 rows",
                        "applied 3 changes, at position 42"),
                out.lines().toList());
    }

    @Test
    void aTableWithAnEstimateShowsItsPercentageAndTheTimeLeftUntilTheEstimateIsPassed() {
        progress.onEvent(new SyncEvent.RebuildStarted("no local replica", List.of("users")));
        progress.onEvent(new SyncEvent.TableStarted("users", OptionalLong.of(100_000)));
        for (int second = 1; second <= 15; second++) {
            clock.addAndGet(TimeUnit.SECONDS.toNanos(1));
            progress.onEvent(new SyncEvent.TableProgress("users", second * 8_000L, 0));
        }
        progress.onEvent(new SyncEvent.TableLoaded("users", 120_000));
        progress.close();

        assertEquals(
                List.of(
                        "updating replica (no local replica): 1 tables",
                        // 40,000 rows in 5 s: 60,000 left at 8,000 rows/s take 7.5 s
                        "  users [1/1]: 40000 rows, 8000 rows/s, 40% of about 100000, 0:00:07 left",
                        "  users [1/1]: 80000 rows, 8000 rows/s, 80% of about 100000, 0:00:02 left",
                        "  users [1/1]: 120000 rows, 8000 rows/s",
                        "  users: 120000 rows"),
                text.toString().lines().toList());
    }

    @Test
    void aTableLoadedWithoutProgressStillGetsItsLine() {
        progress.onEvent(new SyncEvent.TableLoaded("notes", 7));
        progress.close();
        assertEquals(List.of("  notes: 7 rows"), text.toString().lines().toList());
    }
}
