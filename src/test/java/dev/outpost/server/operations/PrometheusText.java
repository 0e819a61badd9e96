package dev.outpost.server.operations;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text format 0.0.4, for tests: every line is a {@code # HELP}, a {@code #
 * TYPE} or a sample whose metric was typed before; anything else fails. Samples are kept by their full
 * series name ({@code name{label="value",...}}, labels as written).
 */
final class PrometheusText {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME
            + ")(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? (\\S+)( -?[0-9]+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    private final Map<String, Double> samples = new HashMap<>();

    private PrometheusText() {}

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        Set<String> typed = new HashSet<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                require(parts.length == 4 && NAME.matcher(parts[2]).matches() && TYPES.contains(parts[3]), line);
                require(typed.add(parts[2]), "typed twice: " + line);
            } else if (line.startsWith("# HELP ")) {
                require(NAME.matcher(line.split(" ")[2]).matches(), line);
            } else {
                Matcher m = SAMPLE.matcher(line);
                require(m.matches(), line);
                String name = m.group(1);
                require(
                        typed.contains(name)
                                || typed.contains(name.replaceAll("_(total|created|sum|count|bucket)$", "")),
                        "no TYPE before " + line);
                double value =
                        switch (m.group(3)) {
                            case "+Inf" -> Double.POSITIVE_INFINITY;
                            case "-Inf" -> Double.NEGATIVE_INFINITY;
                            case "NaN" -> Double.NaN;
                            default -> Double.parseDouble(m.group(3));
                        };
                parsed.samples.put(name + (m.group(2) == null ? "" : m.group(2)), value);
            }
        }
        return parsed;
    }

    private static void require(boolean condition, String line) {
        if (!condition) {
            throw new IllegalArgumentException("not Prometheus text format 0.0.4: " + line);
        }
    }

    /** The value of a series, 0 when absent (a counter not yet incremented). */
    double value(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    boolean has(String series) {
        return samples.containsKey(series);
    }
}
