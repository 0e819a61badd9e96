package dev.outpost.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The run command's program ({@link DemoServer}, the main class the {@code run} profile executes) in a
 * JVM of its own with this test's classpath, its output going to a file; stopped as Ctrl-C stops it
 * (a signal, then its shutdown hook stops the server and the database).
 */
final class RunCommandProcess implements AutoCloseable {
    private final Process process;
    private final Path output;

    private RunCommandProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Starts it with the given {@code -D} options. */
    static RunCommandProcess start(Path output, List<String> options) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DemoServer.class.getName());
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        return new RunCommandProcess(process, output);
    }

    /** Its process id and those of the processes it started that are running. */
    List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        process.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    /** What it printed so far. */
    String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    /** Waits until it printed {@code text}, and returns all it printed; fails if it exits first. */
    String awaitOutput(String text, Duration within) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            String so = output();
            if (so.contains(text)) {
                return so;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the run command exited with " + process.exitValue() + " before printing '"
                        + text + "':\n" + so);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the run command did not print '" + text + "' within " + within + ":\n" + so);
            }
            Thread.sleep(100);
        }
    }

    /**
     * Stops it as Ctrl-C does and waits until it and every process it started have ended.
     *
     * @return the processes it had started that were still running after it ended (none when it stops
     *     its server and database itself); those are then killed
     */
    List<ProcessHandle> stop() throws InterruptedException {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        List<ProcessHandle> left =
                started.stream().filter(ProcessHandle::isAlive).toList();
        for (ProcessHandle p : left) {
            p.destroyForcibly();
        }
        return left;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
