package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} and {@code verify} with no replica and no server: status prints the local part and
 * the server's error and exits with that error's code; verify fails before printing anything.
 */
class ReplicaCommandsTest {
    @TempDir
    Path dir;

    @Test
    void statusWithoutAServerPrintsTheLocalPartAndExitsServerUnreachable() throws IOException {
        Path replica = dir.resolve("none");
        Output run = run("status", "--server", nobody(), "--token", "t", "--replica", replica.toString());
        assertEquals(ExitCodes.SERVER_UNREACHABLE, run.exit(), run.toString());
        List<String> lines = run.out().lines().toList();
        assertEquals(3, lines.size(), run.toString());
        assertTrue(lines.get(0).matches("replica id: [0-9a-f-]{36}"), run.toString());
        assertEquals("local:  no replica in " + replica.toAbsolutePath().normalize(), lines.get(1));
        assertTrue(lines.get(2).matches("server: unreachable \\(Cannot reach the server at .*\\)"), run.toString());
        assertTrue(run.out().endsWith("\n"), run.toString());
    }

    @Test
    void verifyWithoutAReplicaPrintsOnlyTheFailureAndExitsOther() throws IOException {
        Path replica = dir.resolve("none");
        Output run = run("verify", "--server", nobody(), "--token", "t", "--replica", replica.toString());
        assertEquals(ExitCodes.OTHER, run.exit(), run.toString());
        assertEquals("", run.out());
        List<String> err = run.err().lines().toList(); // log lines may come first
        assertEquals("outpost: REPLICA_ERROR: No replica to verify: sync first", err.get(err.size() - 1), run.err());
    }

    private record Output(int exit, String out, String err) {}

    private static Output run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int exit = OutpostCli.run(args);
            return new Output(
                    exit, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A server address nothing listens on. */
    private static String nobody() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/outpost/";
        }
    }
}
