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
import java.util.Locale;

/**
 * Full sync of one generated table (6 columns) into an empty replica, against a direct JDBC copy
 * (one connection, batched inserts, the same Derby settings) and Derby's CSV import from a local
 * file. Sizes: {@code -Dbench.rows=100000|1000000|10000000}.
 */
public final class SyncBench {
    private SyncBench() {}

    public static void main(String[] args) throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        Path work = Files.createTempDirectory(runDir, "bench-");
        System.out.printf(
                Locale.ROOT,
                "machine: %d cores, load average %.2f, java %s%n",
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.version());
        EmbeddedPostgres postgres = TestPostgres.start();
        try {
            TestPostgres.createDatabase(postgres, "outpost", "outpost");
            String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/outpost";
            BenchTable.create(url, rows);
            Figures figures = new Figures(rows);
            figures.add("direct JDBC copy (baseline)", Baselines.directCopy(url, work.resolve("direct")));
            figures.add("Derby CSV import (baseline)", Baselines.csvImport(url, work.resolve("csv")));
            figures.add("Outpost full sync over HTTP", outpost(postgres, runDir, work));
            figures.print("Outpost full sync over HTTP", "direct JDBC copy (baseline)", 1.2);
            figures.print("Outpost full sync over HTTP", "Derby CSV import (baseline)", 0.85);
        } finally {
            TestPostgres.stop(postgres);
        }
    }

    private static double outpost(EmbeddedPostgres postgres, Path runDir, Path work) throws Exception {
        Path properties = work.resolve("server.properties");
        Files.writeString(
                properties,
                TestPostgres.serverProperties(postgres.getPort(), "outpost", "outpost")
                        + "outpost.sync-tokens=bench\noutpost.capture.enabled=false\noutpost.liquibase.enabled=false\n");
        try (PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "bench")) {
            ReplicaConfig config = ReplicaConfig.builder()
                    .serverUrl(server.baseUri())
                    .token("bench")
                    .directory(work.resolve("replica"))
                    .build();
            try (OutpostReplica replica = OutpostReplica.open(config)) {
                long start = System.nanoTime();
                SyncResult result = replica.sync();
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "outpost: %s, %d rows, %.1f MiB on the wire%n",
                        result.outcome(),
                        result.rows(),
                        result.bytes() / 1048576.0);
                return seconds;
            }
        }
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
