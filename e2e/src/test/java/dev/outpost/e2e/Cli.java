package dev.outpost.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the client's command line ({@code outpost-client.jar}) as a user would, in its own JVM. */
final class Cli {
    private Cli() {}

    /** What a command printed and how it exited. */
    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    static Run run(Path runDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.add("-jar");
        command.add(runDir.resolve("outpost-client.jar").toString());
        command.addAll(List.of(args));
        return run(runDir, command);
    }

    /**
     * Runs the command line with {@code readOnly} mounted read-only for it alone (a mount namespace of
     * its own, {@code unshare -m}; needs root, as the test command runs), as on a write-protected medium.
     */
    static Run runOnReadOnly(Path runDir, Path readOnly, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                "unshare",
                "-m",
                "sh",
                "-c",
                "mount --bind \"$0\" \"$0\" && mount -o remount,bind,ro \"$0\" && exec \"$@\"",
                readOnly.toString(),
                java(),
                "-jar",
                runDir.resolve("outpost-client.jar").toString()));
        command.addAll(List.of(args));
        return run(runDir, command);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Run run(Path runDir, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(runDir, "cli-", ".out");
        Path err = Files.createTempFile(runDir, "cli-", ".err");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the CLI did not finish: " + command);
        }
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
