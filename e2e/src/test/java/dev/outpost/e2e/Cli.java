package dev.outpost.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the client's command line ({@code outpost-cli.jar}) as a user would, in its own JVM. */
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
        return start(runDir, args).finish();
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
                runDir.resolve("outpost-cli.jar").toString()));
        command.addAll(List.of(args));
        return run(runDir, command);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A command line started and not waited for, its output going to {@code out} and {@code err}. */
    record Started(Process process, Path out, Path err) {
        /** What it printed to standard output so far. */
        String outSoFar() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** What it printed to standard error so far. */
        String errSoFar() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        /** Waits for it to end (at most five minutes). */
        Run finish() throws IOException, InterruptedException {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the CLI did not finish: " + process.info());
            }
            return new Run(process.exitValue(), outSoFar(), errSoFar());
        }
    }

    /** Runs the command line in a JVM started with {@code jvmOptions} (e.g. {@code -Xmx32m}). */
    static Run runWithJvmOptions(Path runDir, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        return start(runDir, jvmOptions, args).finish();
    }

    /** Starts the command line and returns at once (for a command that runs until stopped). */
    static Started start(Path runDir, String... args) throws IOException {
        return start(runDir, List.of(), args);
    }

    private static Started start(Path runDir, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(runDir.resolve("outpost-cli.jar").toString());
        command.addAll(List.of(args));
        return start(runDir, command);
    }

    /**
     * Starts the command line with SIGINT handled as by default ({@code env --default-signal=INT}),
     * even when this JVM was started ignoring it (as a background job of a non-interactive shell is,
     * and passes on), so that a test can stop it as Ctrl-C does.
     */
    static Started startInterruptible(Path runDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT", java(), "-jar"));
        command.add(runDir.resolve("outpost-cli.jar").toString());
        command.addAll(List.of(args));
        return start(runDir, command);
    }

    private static Started start(Path runDir, List<String> command) throws IOException {
        Path out = Files.createTempFile(runDir, "cli-", ".out");
        Path err = Files.createTempFile(runDir, "cli-", ".err");
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new Started(p, out, err);
    }

    private static Run run(Path runDir, List<String> command) throws IOException, InterruptedException {
        return start(runDir, command).finish();
    }
}
