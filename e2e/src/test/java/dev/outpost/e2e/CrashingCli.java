package dev.outpost.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's {@code sync} in its own JVM with the client's pause hook ({@code outpost.debug.pauseAt}):
 * when the process reports that it is blocked at the requested pause point, it is killed with SIGKILL
 * ({@link Process#destroyForcibly()}), as a crash at exactly that point.
 *
 * <p>A harness starts the CLI dozens of times, and most of each run is JVM start-up and class loading
 * (Hibernate, Derby). {@link #archiveClasses} runs one complete sync that dumps the classes it loaded
 * into a class data sharing archive ({@code -XX:ArchiveClassesAtExit}); later runs map it ({@code
 * -XX:SharedArchiveFile}) and start faster. The archive only changes how classes are loaded, not what
 * the CLI does; a run without it behaves the same.
 */
final class CrashingCli {
    private static final String PAUSED = "PAUSED ";
    private static final String ARCHIVE = "crash-cli.jsa";

    private CrashingCli() {}

    /**
     * How a run ended.
     *
     * @param killedAt the pause point it was killed at, or {@code null} when it ran to its end
     * @param exit its exit code (137 after SIGKILL)
     * @param output what it printed on standard output, then on standard error
     */
    record Run(String killedAt, int exit, String output) {
        boolean killed() {
            return killedAt != null;
        }
    }

    /**
     * Runs {@code outpost sync args} to its end without the pause hook, writing the class data sharing
     * archive that later {@link #sync} runs in {@code runDir} use.
     */
    static Run archiveClasses(Path runDir, String... args) throws IOException, InterruptedException {
        Path archive = runDir.resolve(ARCHIVE);
        Files.deleteIfExists(archive);
        return run(runDir, List.of("-XX:ArchiveClassesAtExit=" + archive), 0, args);
    }

    /** Runs {@code outpost sync args}, killing it at pause point {@code point} (counted from 1) if it gets there. */
    static Run sync(Path runDir, long point, String... args) throws IOException, InterruptedException {
        Path archive = runDir.resolve(ARCHIVE);
        return run(
                runDir, Files.exists(archive) ? List.of("-XX:SharedArchiveFile=" + archive) : List.of(), point, args);
    }

    private static Run run(Path runDir, List<String> jvmOptions, long point, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Doutpost.debug.pauseAt=" + point,
                "-jar",
                runDir.resolve("outpost-cli.jar").toString(),
                "sync"));
        command.addAll(List.of(args));
        // standard error to a file of its own, appended after standard output, whose lines are watched
        Path err = Files.createTempFile(runDir, "crash-cli-", ".err");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(err.toFile())
                .start();
        StringBuilder output = new StringBuilder();
        String killedAt = null;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                output.append(line).append('\n');
                if (point > 0 && line.startsWith(PAUSED + point + " ")) {
                    killedAt = line.substring(
                            PAUSED.length() + Long.toString(point).length() + 1);
                    p.destroyForcibly();
                    break;
                }
            }
        }
        int exit = p.waitFor();
        output.append(Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(err);
        return new Run(killedAt, exit, output.toString());
    }
}
