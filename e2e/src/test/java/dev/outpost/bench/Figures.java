package dev.outpost.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Timings of one run, printed one line per measurement, and ratios between the best time of each
 * figure (with several rounds on a shared machine, the best is the least disturbed).
 */
final class Figures {
    private final int rows;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    Figures(int rows) {
        this.rows = rows;
    }

    void add(String name, double elapsedSeconds) {
        seconds.merge(name, elapsedSeconds, Math::min);
        System.out.printf(
                Locale.ROOT,
                "figure: %-32s %,d rows in %7.2f s = %,10.0f rows/s%n",
                name,
                rows,
                elapsedSeconds,
                rows / elapsedSeconds);
    }

    /** Prints the CPU time a measurement took in the client's JVM and in the server's process. */
    void cpu(String name, long clientNanos, long serverNanos) {
        System.out.printf(
                Locale.ROOT,
                "cpu:    %-32s client JVM %6.2f s, server %6.2f s (PostgreSQL not counted)%n",
                name,
                clientNanos / 1e9,
                serverNanos / 1e9);
    }

    /** Prints the best time of {@code name}, which stored {@code what}, and its time per table. */
    void perTable(String name, String what, int tables) {
        double best = seconds.get(name);
        System.out.printf(
                Locale.ROOT,
                "per table: %-32s %s: best %.2f s = %.1f ms per table%n",
                name,
                what,
                best,
                best * 1000 / tables);
    }

    /** Prints the speed of {@code name} relative to {@code baseline}. */
    void print(String name, String baseline) {
        System.out.printf(
                Locale.ROOT,
                "ratio: %s / %s = %.2fx (best times: %.2f s / %.2f s)%n",
                name,
                baseline,
                seconds.get(baseline) / seconds.get(name),
                seconds.get(name),
                seconds.get(baseline));
    }

    /** Prints the speed of {@code name} relative to {@code baseline}, with the target ratio. */
    void print(String name, String baseline, double target) {
        double ratio = seconds.get(baseline) / seconds.get(name);
        System.out.printf(
                Locale.ROOT,
                "ratio: %s / %s = %.2fx (best times: %.2f s / %.2f s; target >= %.2fx: %s)%n",
                name,
                baseline,
                ratio,
                seconds.get(name),
                seconds.get(baseline),
                target,
                ratio >= target ? "met" : "NOT met");
    }
}
