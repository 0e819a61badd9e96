package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The run command as a user meets it: its program started as the {@code run} profile starts it,
 * what it prints read back, the client commands it prints run as printed, then a second run on the
 * database the first one kept, with the asked-for port taken.
 */
class RunCommandIT {
    private static final Duration START = Duration.ofMinutes(3);
    /** The end of the last line the run command prints once it is up (the curl example's address). */
    private static final String READY = "/api/companies\n";

    private static final Pattern SERVER = Pattern.compile(
            "Server: +(http://127\\.0\\.0\\.1:(\\d+)/outpost/) +\\(listening on 127\\.0\\.0\\.1 only\\)");
    private static final Pattern CONSOLE =
            Pattern.compile("Admin console: +(http://127\\.0\\.0\\.1:\\d+/outpost/admin/)");
    private static final Pattern ADMIN_TOKEN = Pattern.compile("Admin token: +(demo-admin-[A-Za-z0-9_-]{20,})");
    private static final Pattern DATABASE = Pattern.compile(
            "Database: +(jdbc:postgresql://127\\.0\\.0\\.1:\\d+/outpost) +user (\\S+) +password (\\S+)");
    private static final Pattern NOTICE =
            Pattern.compile("!!  PORT (\\d+) IS TAKEN: the server listens on port (\\d+) INSTEAD\\.");

    private final Path runDir = Path.of(System.getProperty("outpost.runDir", "target"));
    private final Path work = runDir.resolve("run-command-it");
    private final Path state = work.resolve("demo");
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void printsWhatToTypeAndKeepsItsDatabaseAcrossRunsAndMovesOffATakenPort() throws Exception {
        Files.createDirectories(work);
        deleteTree(work.resolve("outpost-replica")); // where the printed commands put the replica
        // first run: a new database, on the port asked for
        int port = PayaraMicroServer.freePort();
        List<String> printed;
        try (RunCommandProcess run = start(port, true, "first")) {
            String out = run.awaitOutput(READY, START);
            assertTrue(out.contains("Database: FRESH"), out);
            assertTrue(out.contains("Demo data loaded"), out);
            assertFalse(out.contains("IS TAKEN"), out);
            URI server = URI.create(find(SERVER, out, 1));
            assertEquals(port, server.getPort(), out);
            assertListensOnLoopbackOnly(run, port);
            checkConsole(find(CONSOLE, out, 1), find(ADMIN_TOKEN, out, 1), server);
            assertEquals(20, companies(out), "the demo data is in the printed database");

            printed = clientCommands(out);
            String sync = command(printed, " sync --server");
            Cli.Run synced = runPrinted(sync);
            assertEquals(0, synced.exit(), synced.toString());
            assertTrue(synced.out().startsWith("CREATED"), synced.toString());
            Cli.Run counted = runPrinted(command(printed, " sql "));
            assertEquals(0, counted.exit(), counted.toString());
            assertTrue(counted.out().contains("10000"), counted.toString());
            followLive(command(printed, " sync --live "), server, out);
            assertRunStops(run, out);
        }

        // second run: the kept database, the asked-for port taken
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                RunCommandProcess run = start(taken.getLocalPort(), false, "second")) {
            String out = run.awaitOutput(READY, START);
            assertTrue(out.contains("Database: KEPT"), out);
            assertFalse(out.contains("Demo data loaded"), out);
            Matcher notice = NOTICE.matcher(out);
            assertTrue(notice.find(), "a notice says the port is taken:\n" + out);
            assertEquals(taken.getLocalPort(), Integer.parseInt(notice.group(1)), out);
            int used = Integer.parseInt(notice.group(2));
            assertEquals(used, URI.create(find(SERVER, out, 1)).getPort(), out);
            assertTrue(out.indexOf("!!  PORT") < out.indexOf(READY), "the notice comes with the addresses:\n" + out);
            assertEquals(21, companies(out), "the first run's data and the live write are kept, not loaded again");

            List<String> again = clientCommands(out);
            assertEquals(printed.size(), again.size(), out);
            Cli.Run synced = runPrinted(command(again, " sync --server"));
            assertEquals(0, synced.exit(), synced.toString());
            assertTrue(synced.out().startsWith("UP_TO_DATE"), synced.toString());
            Cli.Run status = runPrinted(command(again, " status "));
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.out().contains("(replica is up to date)"), status.toString());
            assertRunStops(run, out);
        }
    }

    private RunCommandProcess start(int port, boolean fresh, String name) throws IOException {
        return RunCommandProcess.start(
                work.resolve("run-" + name + ".out"),
                List.of(
                        "-Doutpost.runDir=" + runDir.toAbsolutePath(),
                        "-D" + DemoServer.STATE + "=" + state.toAbsolutePath(),
                        "-D" + DemoServer.PORT + "=" + port,
                        "-D" + DemoServer.FRESH + "=" + fresh,
                        "-D" + DemoServer.CLI_JAR + "="
                                + System.getProperty(
                                        DemoServer.CLI_JAR,
                                        runDir.resolve("outpost-cli.jar").toString())));
    }

    /** The console's page answers, and its API takes the printed admin token. */
    private void checkConsole(String console, String adminToken, URI server) throws Exception {
        HttpResponse<String> page =
                http.send(HttpRequest.newBuilder(URI.create(console)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body());
        HttpResponse<String> api = http.send(
                HttpRequest.newBuilder(server.resolve("api/admin/replicas"))
                        .header("Authorization", "Bearer " + adminToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, api.statusCode(), api.body());
    }

    /** The printed {@code sync --live} follows the feed: a company written through the API reaches the replica. */
    private void followLive(String live, URI server, String out) throws Exception {
        Path stdout = work.resolve("live.out");
        Path stderr = work.resolve("live.err");
        Process follower = new ProcessBuilder(withJava(live))
                .directory(work.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        try {
            Conditions.await("the live sync follows the feed", Duration.ofMinutes(1), () -> read(stdout)
                    .contains("following the change feed"));
            String write =
                    out.lines().filter(l -> l.contains("curl ")).findFirst().orElseThrow();
            assertTrue(write.contains("Bearer " + DemoServer.WRITE_TOKEN), write);
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(server.resolve("api/companies"))
                            .header("Authorization", "Bearer " + DemoServer.WRITE_TOKEN)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"Acme\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            Conditions.await("the live sync applies the new company", Duration.ofMinutes(1), () -> read(stderr)
                    .contains("applied 1 changes"));
        } finally {
            follower.destroy();
            if (!follower.waitFor(60, TimeUnit.SECONDS)) {
                follower.destroyForcibly();
            }
        }
    }

    /** Stops the run as Ctrl-C does: nothing it started keeps running, PostgreSQL shut down cleanly. */
    private void assertRunStops(RunCommandProcess run, String out) throws Exception {
        List<ProcessHandle> left = run.stop();
        assertTrue(left.isEmpty(), "still running after the run command ended: " + left);
        assertFalse(
                Files.exists(state.resolve("postgres").resolve("postmaster.pid")),
                "PostgreSQL still runs on the kept directory");
        String url = find(DATABASE, out, 1);
        assertThrows(java.sql.SQLException.class, () -> DriverManager.getConnection(url, "outpost", "outpost")
                .close());
    }

    /** Companies in the database the run printed, read with the printed URL, user and password. */
    private static long companies(String out) throws Exception {
        Matcher db = DATABASE.matcher(out);
        assertTrue(db.find(), "a database line:\n" + out);
        try (Connection c = DriverManager.getConnection(db.group(1), db.group(2), db.group(3));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from companies")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Nothing the run started listens beyond the loopback interface: not the server (its HTTP port and
     * Payara's data grid), not PostgreSQL; and nothing answers on the port at the machine's other
     * addresses.
     */
    private void assertListensOnLoopbackOnly(RunCommandProcess run, int port) throws IOException {
        if (ListeningSockets.available()) {
            List<Long> pids = new ArrayList<>(run.pids());
            Path postmaster = state.resolve("postgres").resolve("postmaster.pid");
            pids.add(Long.parseLong(Files.readAllLines(postmaster).get(0).trim()));
            List<ListeningSockets.Listener> listeners = ListeningSockets.of(pids);
            assertTrue(
                    listeners.stream().anyMatch(l -> l.port() == port && l.loopback()),
                    "the server listens on its port: " + listeners);
            assertTrue(
                    listeners.stream().allMatch(ListeningSockets.Listener::loopback),
                    "listening beyond the loopback interface: " + listeners);
        }
        Optional<InetAddress> other = NetworkInterface.networkInterfaces()
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
        if (other.isEmpty()) {
            return; // a machine with the loopback interface only
        }
        try (Socket s = new Socket()) {
            assertThrows(IOException.class, () -> s.connect(new InetSocketAddress(other.get(), port), 2000));
        }
    }

    /** The client command lines the run printed, in order. */
    private static List<String> clientCommands(String out) {
        List<String> commands = out.lines()
                .map(String::strip)
                .filter(l -> l.startsWith("java -jar "))
                .toList();
        assertEquals(4, commands.size(), "sync, status, sql and sync --live:\n" + out);
        for (String c : commands) {
            assertTrue(c.contains("outpost-cli"), c);
            String jar = c.split(" ")[2];
            assertTrue(Files.isRegularFile(Path.of(jar)), "the printed client jar exists: " + jar);
            assertTrue(c.contains(" sql ") || c.contains("--token " + DemoServer.SYNC_TOKEN), c);
        }
        return commands;
    }

    private static String command(List<String> commands, String part) {
        return commands.stream()
                .filter(c -> c.contains(part))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no printed command with '" + part + "': " + commands));
    }

    /** Runs a printed command line as a shell would, in the test's working directory. */
    private Cli.Run runPrinted(String line) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(work, "cli", ".out");
        Path stderr = Files.createTempFile(work, "cli", ".err");
        Process p = new ProcessBuilder(withJava(line))
                .directory(work.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("did not finish: " + line);
        }
        Cli.Run run = new Cli.Run(p.exitValue(), read(stdout), read(stderr));
        Files.delete(stdout);
        Files.delete(stderr);
        return run;
    }

    /** The words of a printed command line (double quotes group words), with this JVM's java. */
    private static List<String> withJava(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        assertEquals("java", words.get(0), line);
        words.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return words;
    }

    private static String find(Pattern pattern, String out, int group) {
        Matcher m = pattern.matcher(out);
        assertTrue(m.find(), "a line matching " + pattern + ":\n" + out);
        return m.group(group);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
