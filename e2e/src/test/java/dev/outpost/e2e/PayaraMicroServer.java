package dev.outpost.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Outpost WAR on Payara Micro with the shipped configuration, as a separate process on a free
 * port of the loopback interface: what ops run, and what a test can stop at any moment.
 */
public final class PayaraMicroServer implements AutoCloseable {
    private static final Duration STARTUP = Duration.ofMinutes(4);
    /**
     * Payara Micro has no option for the address it listens on and listens on every interface; this
     * pre-boot command keeps its HTTP listener on the loopback interface.
     */
    static final String LOOPBACK_ONLY =
            "set configs.config.server-config.network-config.network-listeners.network-listener.http-listener.address=127.0.0.1";

    private final Process process;
    private final int port;
    private final Path log;

    private PayaraMicroServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts Payara Micro with the WAR and the server properties file, and waits until the
     * application answers.
     *
     * @param runDir directory holding {@code payara-micro.jar}, {@code outpost.war} and the shipped
     *     {@code pre-boot-commands.asadmin} and {@code hazelcast-loopback.xml} ({@code
     *     server-config/payara/})
     */
    public static PayaraMicroServer start(Path runDir, Path properties, String name)
            throws IOException, InterruptedException {
        return start(runDir, properties, name, freePort());
    }

    /** As {@link #start(Path, Path, String)}, on the given HTTP port. */
    public static PayaraMicroServer start(Path runDir, Path properties, String name, int port)
            throws IOException, InterruptedException {
        return start(runDir, properties, runDir.resolve("payara-" + name + ".log"), port);
    }

    /** As {@link #start(Path, Path, String, int)}, writing the server's output to {@code log}. */
    public static PayaraMicroServer start(Path runDir, Path properties, Path log, int port)
            throws IOException, InterruptedException {
        // the shipped pre-boot commands, and the loopback address
        Path preBoot = log.resolveSibling(log.getFileName() + ".pre-boot.asadmin");
        Files.writeString(
                preBoot, Files.readString(runDir.resolve("pre-boot-commands.asadmin")) + "\n" + LOOPBACK_ONLY + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m"));
        // extra JVM options for the server, e.g. the benchmark's heap limit or a flight recording
        String extra = System.getProperty("outpost.serverJvmArgs", "").trim();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of(
                "-jar",
                runDir.resolve("payara-micro.jar").toString(),
                "--deploy",
                runDir.resolve("outpost.war").toString(),
                "--contextroot",
                "outpost",
                // the data grid on 127.0.0.1 alone, joining no other member (with --nocluster it would
                // listen on every interface)
                "--hzconfigfile",
                runDir.resolve("hazelcast-loopback.xml").toString(),
                "--prebootcommandfile",
                preBoot.toString(),
                "--port",
                Integer.toString(port),
                "--systemproperties",
                properties.toString()));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PayaraMicroServer server = new PayaraMicroServer(process, port, log);
        server.awaitDeployed();
        return server;
    }

    private void awaitDeployed() throws IOException, InterruptedException {
        // HTTP/1.1: a probe sent while the server starts must not hang in an h2c upgrade
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        HttpRequest probe = HttpRequest.newBuilder(baseUri().resolve("api/sync/version"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Payara Micro exited with " + process.exitValue() + "; log:\n" + tail());
            }
            try {
                int status =
                        http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 401 || status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        close();
        throw new IllegalStateException("Payara Micro did not deploy Outpost within " + STARTUP + "; log:\n" + tail());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** The application's root URL, e.g. {@code http://127.0.0.1:PORT/outpost/}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port + "/outpost/");
    }

    /** The server's process id, as PostgreSQL's {@code application_name} of its capture shows it. */
    public long pid() {
        return process.pid();
    }

    /** CPU time the server process has used so far. */
    public Duration cpuTime() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Stops the server the hard way, as a crash or a pulled cable would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** A port nobody listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Whether {@code port} is free on the loopback interface (nothing listens on it there or on every interface). */
    public static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
