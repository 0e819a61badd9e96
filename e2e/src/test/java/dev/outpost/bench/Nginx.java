package dev.outpost.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx in front of the server with the deployment's own configuration, {@code
 * server-config/nginx/outpost.conf}: a copy with the upstream's port, a free listen port and a
 * temporary directory for its caches filled in, included by a small main configuration of the bench's (in the
 * foreground, its own prefix, pid, logs and temp paths; {@code user root} when run as root so the workers
 * can write the cache under {@code target/}). The binary is {@code -Dbench.nginx=PATH}, else {@code
 * nginx} on the {@code PATH} (or in {@code /usr/sbin}), else Debian's {@code nginx} package (names in
 * {@code -Dbench.nginx.packages}) fetched into {@code target/nginx/} by {@link DebianPackages}.
 */
public final class Nginx implements AutoCloseable {
    static final String PACKAGES = "nginx";
    /** Where the deployment's configuration keeps its caches: each run gets a directory of its own instead. */
    private static final String CACHE_ROOT = "/var/cache/nginx/";

    private static final Duration STARTUP = Duration.ofSeconds(15);
    /** Logs only the requests nginx passed to the server (those with an upstream address). */
    private static final String UPSTREAM_LOG = "upstream.log";

    private final Process process;
    private final int port;
    private final Path log;
    private final Path upstreamLog;

    private Nginx(Process process, int port, Path log, Path upstreamLog) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.upstreamLog = upstreamLog;
    }

    /** The nginx binary to run, fetched if need be. */
    public static DebianPackages.Tool locate(Path runDir) throws IOException, InterruptedException {
        return DebianPackages.locate(runDir, "nginx", PACKAGES, "usr/sbin/nginx", "/usr/sbin");
    }

    /**
     * Starts nginx with a copy of {@code deploymentConfig} in {@code work/nginx}, proxying to {@code
     * upstreamPort} on this machine, and waits until it accepts connections.
     */
    static Nginx start(DebianPackages.Tool nginx, Path deploymentConfig, int upstreamPort, Path work)
            throws IOException, InterruptedException {
        return start(nginx, deploymentConfig, List.of(upstreamPort), work);
    }

    /**
     * Starts nginx as {@link #start(DebianPackages.Tool, Path, int, Path)} does, with every instance of
     * {@code upstreamPorts} in the configuration's upstream block (nginx's round robin over them).
     */
    public static Nginx start(DebianPackages.Tool nginx, Path deploymentConfig, List<Integer> upstreamPorts, Path work)
            throws IOException, InterruptedException {
        Path prefix = Files.createDirectories(work.resolve("nginx"));
        Path cache = Files.createDirectories(prefix.resolve("cache"));
        Path temp = Files.createDirectories(prefix.resolve("temp"));
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        String site = Files.readString(deploymentConfig);
        site = replaceOnce(
                site,
                "server 127.0.0.1:8080;",
                upstreamPorts.stream()
                        .map(p -> "server 127.0.0.1:" + p + ";")
                        .collect(java.util.stream.Collectors.joining("\n    ")),
                deploymentConfig);
        site = replaceOnce(site, "listen 80;", "listen 127.0.0.1:" + port + ";", deploymentConfig);
        if (!site.contains(CACHE_ROOT)) {
            throw new IllegalStateException(deploymentConfig + " should keep its caches under " + CACHE_ROOT);
        }
        site = site.replace(CACHE_ROOT, cache + "/");
        Path siteCopy = prefix.resolve("outpost.conf");
        Files.writeString(siteCopy, site);
        Path log = prefix.resolve("error.log");
        Path main = prefix.resolve("nginx.conf");
        Files.writeString(
                main,
                "# written by the tests: runs " + deploymentConfig + " (copied to outpost.conf)\n"
                        + "daemon off;\n"
                        + ("root".equals(System.getProperty("user.name")) ? "user root;\n" : "")
                        + "worker_processes " + System.getProperty("bench.nginx.workers", "auto") + ";\n"
                        + "pid " + prefix.resolve("nginx.pid") + ";\n"
                        + "error_log " + log + " warn;\n"
                        + "events { worker_connections 4096; }\n"
                        + "http {\n"
                        + "    log_format upstream '$msec $upstream_cache_status $status $upstream_addr';\n"
                        + "    access_log " + prefix.resolve(UPSTREAM_LOG) + " upstream if=$upstream_addr;\n"
                        + "    client_body_temp_path " + temp.resolve("body") + ";\n"
                        + "    proxy_temp_path " + temp.resolve("proxy") + ";\n"
                        + "    fastcgi_temp_path " + temp.resolve("fastcgi") + ";\n"
                        + "    uwsgi_temp_path " + temp.resolve("uwsgi") + ";\n"
                        + "    scgi_temp_path " + temp.resolve("scgi") + ";\n"
                        + "    include " + siteCopy + ";\n"
                        + "}\n");
        Process process = nginx.command(List.of("-p", prefix + "/", "-c", main.toString()))
                .redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile())
                .start();
        Nginx started = new Nginx(process, port, log, prefix.resolve(UPSTREAM_LOG));
        started.awaitListening(prefix);
        return started;
    }

    private static String replaceOnce(String text, String what, String with, Path file) {
        int at = text.indexOf(what);
        if (at < 0 || text.indexOf(what, at + 1) >= 0) {
            throw new IllegalStateException(
                    file + " should contain '" + what + "' exactly once: the bench fills it in");
        }
        return text.replace(what, with);
    }

    private void awaitListening(Path prefix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue() + ":\n"
                        + Files.readString(prefix.resolve("stdout.log")) + logText());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("nginx did not listen on " + port + " within " + STARTUP + ":\n" + logText());
    }

    private String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The same URI as {@code direct} (a URI of the upstream server), through nginx. */
    public URI proxied(URI direct) {
        return URI.create("http://127.0.0.1:" + port + direct.getRawPath());
    }

    /** How many requests nginx has passed to the server so far (cache misses, refreshes, pass-through). */
    long upstreamRequests() throws IOException {
        if (!Files.exists(upstreamLog)) {
            return 0;
        }
        try (var lines = Files.lines(upstreamLog)) {
            return lines.count();
        }
    }

    /** CPU time used so far by the master and its workers. */
    Duration cpuTime() {
        Duration total = process.info().totalCpuDuration().orElse(Duration.ZERO);
        for (ProcessHandle worker : process.descendants().toList()) {
            total = total.plus(worker.info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return total;
    }

    /** Stops nginx (SIGTERM: the master stops its workers), forcibly if it takes too long. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> workers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        workers.forEach(ProcessHandle::destroyForcibly);
    }
}
