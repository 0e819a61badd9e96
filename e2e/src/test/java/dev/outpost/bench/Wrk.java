package dev.outpost.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP load generator <a href="https://github.com/wg/wrk">wrk</a>, from Debian's packages. Uses
 * {@code -Dbench.wrk=PATH} if given, else {@code wrk} on the {@code PATH}, else fetches the packages
 * itself: {@code apt-get download} of {@code wrk} and the LuaJIT library it links (names in
 * {@code -Dbench.wrk.packages}) into {@code target/wrk/}, unpacked there with {@code dpkg -x} and run
 * with {@code LD_LIBRARY_PATH} — nothing is installed on the system.
 */
final class Wrk {
    static final String PACKAGES = "wrk,libluajit2-5.1-2,libluajit2-5.1-common";

    private static final Pattern RESULT = Pattern.compile(
            "RESULT requests=(\\d+) duration_us=(\\d+) s304=(\\d+) s200=(\\d+) sother=(\\d+) errors=(\\d+)"
                    + " p50_us=(\\d+) p99_us=(\\d+) max_us=(\\d+)");

    /** What one run measured. */
    record Result(
            long requests,
            long durationMicros,
            long s304,
            long s200,
            long other,
            long errors,
            long p50,
            long p99,
            long max) {
        double perSecond() {
            return requests / (durationMicros / 1e6);
        }

        double share304() {
            return requests == 0 ? 0 : 100.0 * s304 / requests;
        }
    }

    private final DebianPackages.Tool tool;
    private final Path script;
    private final Path logs;

    private Wrk(DebianPackages.Tool tool, Path script, Path logs) {
        this.tool = tool;
        this.script = script;
        this.logs = logs;
    }

    /** Finds or fetches wrk; {@code work} holds the script and the runs' output. */
    static Wrk locate(Path runDir, Path work) throws IOException, InterruptedException {
        Path script = work.resolve("version-check.lua");
        try (var in = Wrk.class.getResourceAsStream("/bench/version-check.lua")) {
            Files.copy(in, script);
        }
        return new Wrk(DebianPackages.locate(runDir, "wrk", PACKAGES, "usr/bin/wrk"), script, work);
    }

    String describe() {
        return tool.describe();
    }

    /** Runs {@code seconds} of load against {@code url} with the given request headers. */
    Result run(String name, String url, Map<String, String> headers, int threads, int connections, int seconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "-t" + threads, "-c" + connections, "-d" + seconds + "s", "--timeout", "5s", "-s", script.toString()));
        headers.forEach((k, v) -> command.addAll(List.of("-H", k + ": " + v)));
        command.add(url);
        Path output = logs.resolve("wrk-" + name + ".txt");
        Process p = tool.command(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish; output in " + output);
        }
        String text = Files.readString(output);
        Matcher m = RESULT.matcher(text);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "):\n" + text);
        }
        long[] v = new long[9];
        for (int i = 0; i < v.length; i++) {
            v[i] = Long.parseLong(m.group(i + 1));
        }
        return new Result(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }
}
