package dev.outpost.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Timings of one run, printed one line per figure, and ratios between them. */
final class Figures {
    private final int rows;
    private final Map<String, Double> seconds = new LinkedHashMap<>();

    Figures(int rows) {
        this.rows = rows;
    }

    void add(String name, double elapsedSeconds) {
        seconds.put(name, elapsedSeconds);
        System.out.printf(
                Locale.ROOT,
                "figure: %-32s %,d rows in %7.2f s = %,10.0f rows/s%n",
                name,
                rows,
                elapsedSeconds,
                rows / elapsedSeconds);
    }

    /** Prints the speed of {@code name} relative to {@code baseline}, with the target ratio. */
    void print(String name, String baseline, double target) {
        double ratio = seconds.get(baseline) / seconds.get(name);
        System.out.printf(
                Locale.ROOT,
                "ratio: %s / %s = %.2fx (target >= %.2fx: %s)%n",
                name,
                baseline,
                ratio,
                target,
                ratio >= target ? "met" : "NOT met");
    }
}
