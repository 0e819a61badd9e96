package dev.outpost.cli;

import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncListener;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressState;

/**
 * What {@code outpost sync} shows on standard error while it works, fed by the replica's {@link
 * SyncEvent}s. Every downloaded table ends with one line, {@code "  users: 120000 rows"}; a table that
 * takes longer shows its rows so far and rate, with its place among the tables being downloaded.
 *
 * <p>On a terminal that is a live line drawn by the progress bar library ({@code me.tongfei:progressbar},
 * which sizes it to the terminal and redraws it on a timer), opened once a table has taken {@value
 * #BAR_AFTER_MILLIS} ms so short tables do not flicker. With the output redirected (to a file, a pipe, a
 * log collector), it is plain lines, at most one per table every {@value #PLAIN_EVERY_SECONDS} seconds, and
 * never a carriage return. When the server estimated the table's rows ({@link SyncEvent.TableStarted}),
 * the line adds the percentage and the time left at the rate so far; the place among the tables
 * ({@code [3/7]}) gives the total.
 */
final class SyncProgress implements SyncListener, AutoCloseable {
    static final long BAR_AFTER_MILLIS = 1_000;
    static final long PLAIN_EVERY_SECONDS = 5;

    private final PrintWriter err;
    private final boolean terminal;
    private final LongSupplier nanoTime;

    private int tables;
    private int tableIndex;
    private String table;
    private long tableStart;
    private OptionalLong estimate = OptionalLong.empty();
    private long lastLine;
    private ProgressBar bar;

    /**
     * @param err where lines go (the bar on a terminal writes to the process's standard error itself)
     * @param terminal whether standard error is a terminal, which decides between a live bar and plain lines
     * @param nanoTime the clock, {@link System#nanoTime} but in tests
     */
    SyncProgress(PrintWriter err, boolean terminal, LongSupplier nanoTime) {
        this.err = err;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
    }

    /** The display for this process: a live bar when attached to a terminal, else plain lines. */
    static SyncProgress forProcess(PrintWriter err) {
        return new SyncProgress(err, onTerminal(), System::nanoTime);
    }

    /**
     * Whether the process runs on a terminal. Java 17 has a console only then; from Java 22 on there may
     * be one either way, and {@code Console.isTerminal()} tells.
     */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    @Override
    public void onEvent(SyncEvent event) {
        long now = nanoTime.getAsLong();
        if (event instanceof SyncEvent.RebuildStarted s) {
            closeBar();
            tables = s.tables().size();
            tableIndex = 0;
            table = null;
            err.printf("updating replica (%s): %d tables%n", s.reason(), tables);
        } else if (event instanceof SyncEvent.TableStarted t) {
            startTable(t.table(), now);
            estimate = t.estimatedRows();
        } else if (event instanceof SyncEvent.TableProgress p) {
            progress(p.table(), p.rowsSoFar(), now);
        } else if (event instanceof SyncEvent.TableLoaded l) {
            loaded(l.table(), l.rows(), now);
        } else if (event instanceof SyncEvent.ChangesApplied c) {
            closeBar();
            err.printf("applied %d changes, at position %d%n", c.changes(), c.position());
        } else if (event instanceof SyncEvent.RebuildCompleted
                || event instanceof SyncEvent.SyncFailed
                || event instanceof SyncEvent.LiveSyncStopped) {
            closeBar();
            table = null;
        }
        err.flush();
    }

    private void progress(String name, long rows, long now) {
        if (!name.equals(table)) {
            startTable(name, now);
        }
        if (terminal) {
            if (bar == null && now - tableStart >= TimeUnit.MILLISECONDS.toNanos(BAR_AFTER_MILLIS)) {
                openBar(now);
            }
            if (bar != null) {
                bar.stepTo(rows);
            }
        } else if (now - lastLine >= TimeUnit.SECONDS.toNanos(PLAIN_EVERY_SECONDS)) {
            err.println(progressLine(table, place(), rows, now - tableStart, estimate));
            lastLine = now;
        }
    }

    private void loaded(String name, long rows, long now) {
        if (!name.equals(table)) {
            startTable(name, now);
        }
        if (bar != null) {
            bar.stepTo(rows);
            closeBar(); // its last drawing is the line below
        } else {
            err.println(doneLine(name, rows));
        }
        table = null;
    }

    /** A table's first event: it counts as the next of the tables being downloaded, if there are any left. */
    private void startTable(String name, long now) {
        closeBar();
        table = name;
        estimate = OptionalLong.empty();
        tableStart = now;
        lastLine = now;
        if (tableIndex < tables) {
            tableIndex++;
        }
    }

    private void openBar(long now) {
        err.flush(); // the bar writes to standard error directly: what this writer holds goes first
        String place = place();
        OptionalLong rows = estimate;
        bar = new ProgressBarBuilder()
                .setTaskName(table)
                .setUpdateIntervalMillis(200)
                .startsFrom(0, Duration.ofNanos(now - tableStart))
                .setRenderer((state, width) -> render(state, width, place, rows))
                .build();
    }

    /** The bar's drawing: rows, rate and elapsed time while alive; the table's done line once closed. */
    private static String render(ProgressState state, int width, String place, OptionalLong estimate) {
        long nanos = state.getTotalElapsed().toNanos();
        String text = state.isAlive()
                ? progressLine(state.getTaskName(), place, state.getCurrent(), nanos, estimate) + ", " + clock(nanos)
                : doneLine(state.getTaskName(), state.getCurrent());
        // padded: a shorter drawing must cover the longer one before it on the same line
        return text.length() >= width
                ? text.substring(0, Math.max(0, width))
                : text + " ".repeat(width - text.length());
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        closeBar();
        err.flush();
    }

    /**
     * A table's rows so far and rate; with an estimate of its rows not yet reached, also the percentage
     * and the time left at the rate so far (past the estimate, the rows alone: it was too low).
     */
    static String progressLine(String name, String place, long rows, long nanos, OptionalLong estimate) {
        String line = "  " + name + place + ": " + rows + " rows, " + rate(rows, nanos) + " rows/s";
        if (estimate.isEmpty() || rows >= estimate.getAsLong() || rows == 0) {
            return line;
        }
        long total = estimate.getAsLong();
        long left = Math.round((double) nanos * (total - rows) / rows);
        return line + ", " + (rows * 100 / total) + "% of about " + total + ", " + clock(left) + " left";
    }

    private String place() {
        return tableIndex > 0 && tables > 0 ? " [" + tableIndex + "/" + tables + "]" : "";
    }

    private static String doneLine(String name, long rows) {
        return "  " + name + ": " + rows + " rows";
    }

    private static long rate(long rows, long nanos) {
        return nanos <= 0 ? 0 : Math.round(rows * 1e9 / nanos);
    }

    private static String clock(long nanos) {
        long s = TimeUnit.NANOSECONDS.toSeconds(nanos);
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
