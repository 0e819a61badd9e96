package dev.outpost.bench;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncResult;
import dev.outpost.e2e.PayaraMicroServer;
import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Full sync of one generated table (6 columns) into an empty replica, against a direct JDBC copy
 * (one connection, batched inserts, the same Derby settings) and Derby's CSV import from a local
 * file. Sizes: {@code -Dbench.rows=100000|1000000|10000000}. {@code -Dbench.repeat=N} runs the three
 * N times in turns and keeps each one's best time (the machine may be shared). {@code
 * -Dbench.serverXmx=256m} limits the server's heap; the server's and the client's peak heap use while
 * syncing are printed either way (the client's is only meaningful with its own {@code -Xmx}).
 */
public final class SyncBench {
    private static final String DIRECT = "direct JDBC copy (baseline)";
    private static final String CSV = "Derby CSV import (baseline)";
    private static final String OUTPOST = "Outpost full sync over HTTP";

    private SyncBench() {}

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        int repeat = Integer.getInteger("bench.repeat", 1);
        boolean baselines = Boolean.parseBoolean(System.getProperty("bench.baselines", "true"));
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "bench-");
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, load average %.2f, java %s, client max heap %d MiB%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.version(),
                Runtime.getRuntime().maxMemory() >> 20);
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost";
            BenchTable.create(url, rows);
            Figures figures = new Figures(rows);
            Path gcLog = work.resolve("server-gc.log");
            try (PayaraMicroServer server = startServer(postgres, runDir, work, gcLog)) {
                for (int round = 1; round <= repeat; round++) {
                    System.out.printf(
                            Locale.ROOT,
                            "round %d of %d, load average %.2f%n",
                            round,
                            repeat,
                            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                    if (baselines) {
                        long cpu = clientCpu();
                        figures.add(DIRECT, Baselines.directCopy(url, work.resolve("direct-" + round)));
                        figures.cpu(DIRECT, clientCpu() - cpu, 0);
                        cpu = clientCpu();
                        figures.add(CSV, Baselines.csvImport(url, work.resolve("csv-" + round)));
                        figures.cpu(CSV, clientCpu() - cpu, 0);
                    }
                    outpost(server, work.resolve("replica-" + round), figures);
                }
                System.out.printf(
                        Locale.ROOT, "server: peak heap used %d MiB (from its GC log)%n", peakFromGcLog(gcLog));
            }
            if (baselines) {
                figures.print(OUTPOST, DIRECT, 1.2);
                figures.print(OUTPOST, CSV, 0.85);
            }
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    private static PayaraMicroServer startServer(EmbeddedPostgres postgres, Path runDir, Path work, Path gcLog)
            throws Exception {
        Path properties = work.resolve("server.properties");
        Files.writeString(
                properties,
                TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                        + "outpost.sync-tokens=bench\noutpost.capture.enabled=false\noutpost.liquibase.enabled=false\n");
        String jvm = System.getProperty("outpost.serverJvmArgs", "") + " -Xlog:gc:file=" + gcLog;
        String xmx = System.getProperty("bench.serverXmx");
        if (xmx != null) {
            jvm += " -Xmx" + xmx;
        }
        String before = System.getProperty("outpost.serverJvmArgs");
        System.setProperty("outpost.serverJvmArgs", jvm.trim());
        try {
            return PayaraMicroServer.start(runDir, properties, "bench");
        } finally {
            if (before == null) {
                System.clearProperty("outpost.serverJvmArgs");
            } else {
                System.setProperty("outpost.serverJvmArgs", before);
            }
        }
    }

    private static void outpost(PayaraMicroServer server, Path replicaDir, Figures figures) throws Exception {
        ReplicaConfig config = ReplicaConfig.builder()
                .serverUrl(server.baseUri())
                .token("bench")
                .directory(replicaDir)
                .build();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long cpu = clientCpu();
        Duration serverCpu = server.cpuTime();
        try (OutpostReplica replica = OutpostReplica.open(config)) {
            long start = System.nanoTime();
            SyncResult result = replica.sync();
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            System.out.printf(
                    Locale.ROOT,
                    "outpost: %s, %d rows, %.1f MiB on the wire, client peak heap used %d MiB (sum of pool peaks)%n",
                    result.outcome(),
                    result.rows(),
                    result.bytes() / 1048576.0,
                    peak >> 20);
            figures.add(OUTPOST, seconds);
            figures.cpu(
                    OUTPOST,
                    clientCpu() - cpu,
                    server.cpuTime().minus(serverCpu).toNanos());
        }
    }

    /** CPU time of this JVM (the client, and the baselines' copy), in nanoseconds. */
    private static long clientCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The largest heap occupancy before a collection in a {@code -Xlog:gc} file, in MiB. */
    private static long peakFromGcLog(Path gcLog) throws Exception {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        Pattern before = Pattern.compile("\\) (\\d+)M->(\\d+)M\\(");
        long peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = before.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Long.parseLong(m.group(1)));
            }
        }
        return peak;
    }

    /** The generated table, in PostgreSQL. */
    static final class BenchTable {
        static final String DDL = "create table bench_rows (id bigint primary key, name varchar(100) not null,"
                + " amount numeric(12,2), created_at timestamptz not null, active boolean not null, note varchar(200))";

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
