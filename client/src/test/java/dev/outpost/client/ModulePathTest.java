package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.HttpSource;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client as a named module: an application on the module path (its sources in {@code
 * src/test/module-path}) is compiled against the client's classes and its runtime dependencies, then
 * run in a JVM of its own, where it creates, syncs and reads a replica from a local HTTP server. Code
 * naming an internal package does not compile, and reflection into one is refused at run time.
 */
class ModulePathTest {
    private static final String PROGRAM = "dev.outpost.modulecheck/dev.outpost.modulecheck.ReplicaOnModulePath";

    @TempDir
    Path dir;

    @Test
    void anApplicationOnTheModulePathSyncsAndReadsAReplicaThroughTheExportedApiOnly() throws Exception {
        String modulePath = modulePath();
        Path program = dir.resolve("program");
        compile(modulePath, program, sources(Path.of(System.getProperty("outpost.module-path.sources"))));

        List<String> lines;
        try (HttpSource server = new HttpSource(OutpostReplicaTest.source("v1"))) {
            lines = run(
                    program + File.pathSeparator + modulePath,
                    server.url().toString(),
                    dir.resolve("replica").toString());
        }
        assertTrue(lines.contains("module=dev.outpost.modulecheck"), lines.toString());
        assertTrue(lines.contains("client=dev.outpost.client"), lines.toString());
        assertTrue(lines.contains("first=CREATED"), lines.toString());
        assertTrue(lines.contains("second=UP_TO_DATE"), lines.toString());
        assertTrue(lines.contains("order_lines=2500"), "a table of several pages, stored by the table function");
        assertTrue(lines.contains("package dev.outpost.client exported=true open=false"), lines.toString());
        List<String> internals = lines.stream()
                .filter(l -> l.startsWith("package dev.outpost.client.internal"))
                .toList();
        assertEquals(8, internals.size(), internals.toString());
        for (String internal : internals) {
            if (internal.startsWith("package dev.outpost.client.internal.load ")) {
                // opened for the classes Derby generates, which call the table function
                assertTrue(internal.endsWith(" open=true"), internal);
            } else {
                assertTrue(internal.endsWith(" exported=false open=false"), internal);
            }
        }
        assertTrue(lines.contains("internal-call=refused"), lines.toString());
    }

    @Test
    void codeNamingAnInternalPackageDoesNotCompile() throws Exception {
        Path sources = dir.resolve("internal-user");
        Files.createDirectories(sources.resolve("dev/outpost/modulecheck"));
        Files.writeString(
                sources.resolve("module-info.java"), "module dev.outpost.modulecheck { requires dev.outpost.client; }");
        Files.writeString(
                sources.resolve("dev/outpost/modulecheck/Internal.java"),
                """
                package dev.outpost.modulecheck;

                class Internal {
                    String loader = dev.outpost.client.internal.load.PageFunction.class.getName();
                }
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = javac(
                out,
                "--module-path",
                modulePath(),
                "-d",
                dir.resolve("internal-classes").toString(),
                sources.resolve("module-info.java").toString(),
                sources.resolve("dev/outpost/modulecheck/Internal.java").toString());
        String messages = out.toString(StandardCharsets.UTF_8);
        assertNotEquals(0, exit, messages);
        assertTrue(messages.contains("package dev.outpost.client.internal.load is not visible"), messages);
    }

    /** The client's classes and its runtime dependencies, as the build lists them. */
    private static String modulePath() throws IOException {
        return System.getProperty("outpost.client.classes")
                + File.pathSeparator
                + Files.readString(Path.of(System.getProperty("outpost.client.runtime-classpath")))
                        .trim();
    }

    private static List<String> sources(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .map(Path::toString)
                    .toList();
        }
    }

    private static void compile(String modulePath, Path out, List<String> sources) {
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "-d", out.toString()));
        args.addAll(sources);
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        int exit = javac(messages, args.toArray(String[]::new));
        assertEquals(0, exit, messages.toString(StandardCharsets.UTF_8));
    }

    private static int javac(ByteArrayOutputStream messages, String... args) {
        ToolProvider javac = ToolProvider.findFirst("javac").orElseThrow();
        try (PrintStream out = new PrintStream(messages, true, StandardCharsets.UTF_8)) {
            return javac.run(out, out, args);
        }
    }

    /** Runs the program in a JVM of its own, on {@code modulePath} only; its output lines. */
    private List<String> run(String modulePath, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path",
                modulePath,
                "--module",
                PROGRAM));
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean ended = process.waitFor(90, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(out) + Files.readString(err);
        assertTrue(ended, "the program did not end within 90 s:\n" + output);
        assertEquals(0, process.exitValue(), "the program failed:\n" + output);
        return Files.readAllLines(out);
    }
}
