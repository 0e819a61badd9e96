package dev.outpost.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** The machine a bench runs on: the line it prints first, and the load average printed beside figures. */
final class Machine {
    private Machine() {}

    /** Prints the cores, the load average and the Java version. */
    static void printFirstLine() {
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, load average %.2f, java %s%n",
                Runtime.getRuntime().availableProcessors(),
                load(),
                Runtime.version());
    }

    /** The system's load average over the last minute. */
    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
