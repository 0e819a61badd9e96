package dev.outpost.bench;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Full sync of one generated table (6 columns) into an empty replica, against a direct JDBC copy
 * (one connection, batched inserts, the same Derby settings) and Derby's CSV import from a local
 * file; then the first sync of a wide schema of small tables ({@link WideSchema}) from a server of its
 * own, against a direct JDBC copy of the same tables. Sizes: {@code
 * -Dbench.rows=100000|1000000|10000000} (0: no one-table figures), {@code -Dbench.tables=100} tables
 * of {@code -Dbench.tableRows=10} rows (0 tables: no wide-schema figures); {@code -Dbench.note=text}
 * makes the last column {@code text} instead of {@code varchar(200)} (the baselines keep {@code
 * varchar(200)}). {@code -Dbench.repeat=N} runs each figure N times in turns and keeps each one's best
 * time (the machine may be shared). {@code
 * -Dbench.serverXmx=256m} limits the server's heap. {@code -Dbench.clientXmx=256m} runs the Outpost
 * sync by the client's command line in a JVM of its own with that heap (the client alone); without
 * it the sync runs in this JVM (Maven's, limited by {@code MAVEN_OPTS}); {@code
 * -Dbench.clientJvmArgs=...} passes options to the forked client. Either way both heaps are
 * printed over the sync, one figure per line: the most used just after a collection (what stays
 * live) and just before one.
 */
public final class SyncBench {
    private static final String DIRECT = "direct JDBC copy (baseline)";
    private static final String CSV = "Derby CSV import (baseline)";
    private static final String OUTPOST = "Outpost full sync over HTTP";
    private static final String WIDE_DIRECT = "wide: direct JDBC copy (baseline)";
    private static final String WIDE_OUTPOST = "wide: Outpost first sync";

    private SyncBench() {}

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        int repeat = Integer.getInteger("bench.repeat", 1);
        int tables = Integer.getInteger("bench.tables", 100);
        int tableRows = Integer.getInteger("bench.tableRows", 10);
        boolean baselines = Boolean.parseBoolean(System.getProperty("bench.baselines", "true"));
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "bench-");
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, load average %.2f, java %s, this JVM's max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            if (rows > 0) {
                oneTable(postgres, runDir, work, rows, repeat, baselines);
            }
            if (tables > 0) {
                wideSchema(postgres, runDir, work, tables, tableRows, repeat, baselines);
            }
        } finally {
            TestPostgres.stop(postgres);
        }
        System.out.printf(Locale.ROOT, "load average at the end: %.2f%n", loadAverage());
    }

    /** The one-table figures: the generated table's full sync and its two baselines. */
    private static void oneTable(
            EmbeddedPostgres postgres, Path runDir, Path work, int rows, int repeat, boolean baselines)
            throws Exception {
        TestPostgres.createDatabase(postgres, "outpost", "outpost");
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost";
        BenchTable.create(url, rows);
        Figures figures = new Figures(rows);
        Path gcLog = work.resolve("server-gc.log");
        try (PayaraMicroServer server = startServer(postgres, runDir, work, gcLog, "outpost")) {
            for (int round = 1; round <= repeat; round++) {
                System.out.printf(Locale.ROOT, "round %d of %d, load average %.2f%n", round, repeat, loadAverage());
                if (baselines) {
                    long cpu = clientCpu();
                    figures.add(DIRECT, Baselines.directCopy(url, work.resolve("direct-" + round)));
                    figures.cpu(DIRECT, clientCpu() - cpu, 0);
                    cpu = clientCpu();
                    figures.add(CSV, Baselines.csvImport(url, work.resolve("csv-" + round)));
                    figures.cpu(CSV, clientCpu() - cpu, 0);
                }
                outpost(server, work.resolve("replica-" + round), gcLog, figures, OUTPOST);
            }
        }
        if (baselines) {
            figures.print(OUTPOST, DIRECT, 1.2);
            figures.print(OUTPOST, CSV, 0.85);
        }
    }

    /**
     * The wide-schema figures: the first sync of {@code tables} small tables ({@link WideSchema}), from
     * a server of their own, and the baseline's copy of the same tables.
     */
    private static void wideSchema(
            EmbeddedPostgres postgres, Path runDir, Path work, int tables, int tableRows, int repeat, boolean baselines)
            throws Exception {
        TestPostgres.createDatabase(postgres, "wide", "wide");
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/wide";
        WideSchema.create(url, "wide", tables, tableRows);
        Figures figures = new Figures(tables * tableRows);
        Path gcLog = work.resolve("server-wide-gc.log");
        double loadAtStart = loadAverage();
        try (PayaraMicroServer server = startServer(postgres, runDir, work, gcLog, "wide")) {
            for (int round = 1; round <= repeat; round++) {
                System.out.printf(
                        Locale.ROOT, "wide schema, round %d of %d, load average %.2f%n", round, repeat, loadAverage());
                if (baselines) {
                    long cpu = clientCpu();
                    figures.add(
                            WIDE_DIRECT,
                            WideSchema.directCopy(url, "wide", tables, work.resolve("wide-direct-" + round)));
                    figures.cpu(WIDE_DIRECT, clientCpu() - cpu, 0);
                }
                outpost(server, work.resolve("wide-replica-" + round), gcLog, figures, WIDE_OUTPOST);
            }
        }
        String what = String.format(Locale.ROOT, "%d tables of %d rows", tables, tableRows);
        figures.perTable(WIDE_OUTPOST, what, tables);
        if (baselines) {
            figures.perTable(WIDE_DIRECT, what, tables);
            figures.print(WIDE_OUTPOST, WIDE_DIRECT);
        }
        System.out.printf(
                Locale.ROOT,
                "wide schema: load average %.2f at its start, %.2f at its end%n",
                loadAtStart,
                loadAverage());
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** The WAR on Payara Micro over {@code database}, capture and Liquibase off, with a GC log. */
    static PayaraMicroServer startServer(EmbeddedPostgres postgres, Path runDir, Path work, Path gcLog, String database)
            throws Exception {
        Path properties = work.resolve("server-" + database + ".properties");
        Files.writeString(
                properties,
                TestPostgres.serverProperties(postgres.getPort(), database, database)
                        + "outpost.sync-tokens=bench\noutpost.capture.enabled=false\noutpost.liquibase.enabled=false\n");
        String jvm = System.getProperty("outpost.serverJvmArgs", "") + " -Xlog:gc:file=" + gcLog;
        String xmx = System.getProperty("bench.serverXmx");
        if (xmx != null) {
            jvm += " -Xmx" + xmx;
        }
        String before = System.getProperty("outpost.serverJvmArgs");
        System.setProperty("outpost.serverJvmArgs", jvm.trim());
        try {
            return PayaraMicroServer.start(runDir, properties, "bench-" + database);
        } finally {
            if (before == null) {
                System.clearProperty("outpost.serverJvmArgs");
            } else {
                System.setProperty("outpost.serverJvmArgs", before);
            }
        }
    }

    private static void outpost(
            PayaraMicroServer server, Path replicaDir, Path serverGcLog, Figures figures, String figure)
            throws Exception {
        int serverLines = HeapPeaks.gcLogLines(serverGcLog);
        String clientXmx = System.getProperty("bench.clientXmx");
        if (clientXmx == null) {
            outpostInProcess(server, replicaDir, figures, figure);
        } else {
            outpostForked(server, replicaDir, clientXmx, figures, figure);
        }
        String serverXmx = System.getProperty("bench.serverXmx");
        HeapPeaks.fromGcLog(serverGcLog, serverLines)
                .print("server", (serverXmx == null ? "default max heap" : "-Xmx" + serverXmx) + ", its GC log");
    }

    /** The sync in this JVM (Maven's, with {@code exec:java}): its heap includes what Maven holds. */
    private static void outpostInProcess(PayaraMicroServer server, Path replicaDir, Figures figures, String figure)
            throws Exception {
        ReplicaConfig config = ReplicaConfig.builder()
                .serverUrl(server.baseUri())
                .token("bench")
                .directory(replicaDir)
                .build();
        long liveBefore = HeapPeaks.Watch.liveNowMiB();
        long cpu = clientCpu();
        Duration serverCpu = server.cpuTime();
        try (HeapPeaks.Watch watch = new HeapPeaks.Watch();
                OutpostReplica replica = OutpostReplica.open(config)) {
            Timeline timeline = new Timeline();
            replica.addListener(timeline);
            long start = System.nanoTime();
            SyncResult result = replica.sync();
            double seconds = (System.nanoTime() - start) / 1e9;
            timeline.print();
            System.out.printf(
                    Locale.ROOT,
                    "outpost: %s, %d rows, %.1f MiB on the wire%n",
                    result.outcome(),
                    result.rows(),
                    result.bytes() / 1048576.0);
            figures.add(figure, seconds);
            figures.cpu(
                    figure, clientCpu() - cpu, server.cpuTime().minus(serverCpu).toNanos());
            Thread.sleep(200); // collection notifications arrive asynchronously
            watch.peaks()
                    .print(
                            "client",
                            String.format(
                                    Locale.ROOT,
                                    "in Maven's JVM, max heap %d MiB, of which Maven and the bench held %d MiB before"
                                            + " the sync; -Dbench.clientXmx measures the client alone",
                                    Runtime.getRuntime().maxMemory() >> 20,
                                    liveBefore));
        }
    }

    /**
     * The sync by the client's command line ({@code outpost-cli.jar sync}) in a JVM of its own
     * with {@code -Xmx<clientXmx>} and a GC log: the client's heap alone, as a user runs it.
     */
    private static void outpostForked(
            PayaraMicroServer server, Path replicaDir, String xmx, Figures figures, String figure) throws Exception {
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path gcLog = replicaDir.resolveSibling(replicaDir.getFileName() + "-client-gc.log");
        Path out = replicaDir.resolveSibling(replicaDir.getFileName() + "-client.out");
        Path err = replicaDir.resolveSibling(replicaDir.getFileName() + "-client.err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx,
                "-Xlog:gc:file=" + gcLog));
        String extra = System.getProperty("bench.clientJvmArgs", "").strip();
        if (!extra.isEmpty()) {
            command.addAll(List.of(extra.split("\\s+")));
        }
        command.addAll(List.of(
                "-jar",
                runDir.resolve("outpost-cli.jar").toString(),
                "sync",
                "--server",
                server.baseUri().toString(),
                "--token",
                "bench",
                "--replica",
                replicaDir.toString()));
        Duration serverCpu = server.cpuTime();
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        // the CPU time of a process is only readable while it runs: sample it until it ends
        Duration clientCpu = Duration.ZERO;
        while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
            clientCpu = process.info().totalCpuDuration().orElse(clientCpu);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String printed = Files.readString(out).strip();
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(err);
            throw new IllegalStateException("the client exited with " + process.exitValue() + ": " + printed + "\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
        System.out.println("outpost (client's CLI, -Xmx" + xmx + "): "
                + printed.lines().findFirst().orElse(""));
        figures.add(figure, seconds);
        figures.cpu(
                figure, clientCpu.toNanos(), server.cpuTime().minus(serverCpu).toNanos());
        HeapPeaks.fromGcLog(gcLog, 0).print("client", "-Xmx" + xmx + ", its own JVM running the CLI, its GC log");
    }

    /** CPU time of this JVM (the client, and the baselines' copy), in nanoseconds. */
    private static long clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The generated table, in PostgreSQL. */
    static final class BenchTable {
        /**
         * The type of the {@code note} column, {@code -Dbench.note=text} for PostgreSQL's {@code text}:
         * a CLOB in the replica, which makes Derby store the table in 32 KiB pages instead of 4 KiB.
         */
        static final String NOTE_TYPE = System.getProperty("bench.note", "varchar(200)");

        static final String DDL = "create table bench_rows (id bigint primary key, name varchar(100) not null,"
                + " amount numeric(12,2), created_at timestamptz not null, active boolean not null, note " + NOTE_TYPE
                + ")";

        private BenchTable() {}

        static void create(String url, int rows) throws Exception {
            try (Connection c = java.sql.DriverManager.getConnection(url, "outpost", "outpost");
                    Statement st = c.createStatement()) {
                st.execute(DDL);
                st.execute("insert into bench_rows select i, 'name ' || i, (i % 100000) / 100.0,"
                        + " timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second', i % 3 = 0,"
                        + " case when i % 5 = 0 then null else 'a note about row ' || i end"
                        + " from generate_series(1, " + rows + ") i");
                st.execute("analyze bench_rows");
            }
        }
    }
}
