package dev.outpost.e2e;

import dev.outpost.server.testsupport.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CountDownLatch;

/**
 * The README's run command ({@code mvn -f parent/pom.xml -Prun package}): PostgreSQL (embedded unless
 * {@code -Doutpost.jdbcUrl=jdbc:postgresql://host:port/db} with {@code -Doutpost.jdbcUser} and {@code
 * -Doutpost.jdbcPassword} name one), the WAR on Payara Micro applying the changelogs at start-up, demo
 * data, the client command that syncs a replica from it, and the admin console's address with an admin
 * token made for this run. Runs until interrupted (Ctrl-C).
 */
public final class DemoServer {
    static final String SYNC_TOKEN = "demo-sync-token";
    static final String WRITE_TOKEN = "demo-write-token";
    private static final int PREFERRED_PORT = 8080;

    private DemoServer() {}

    public static void main(String[] args) throws Exception {
        Path runDir =
                Path.of(System.getProperty("outpost.runDir", "e2e/target")).toAbsolutePath();
        String jdbcUrl = System.getProperty("outpost.jdbcUrl");
        EmbeddedPostgres embedded = null;
        String user;
        String password;
        if (jdbcUrl == null) {
            embedded = TestPostgres.start();
            TestPostgres.createDatabase(embedded, "outpost", "outpost");
            jdbcUrl = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/outpost";
            user = "outpost";
            password = "outpost";
        } else {
            user = System.getProperty("outpost.jdbcUser", "postgres");
            password = System.getProperty("outpost.jdbcPassword", "");
        }
        URI db = URI.create(jdbcUrl.substring("jdbc:".length()));
        // a new admin token each run: the console and the admin API are reached with it
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        String adminToken = "demo-admin-"
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Path properties = runDir.resolve("demo-server.properties");
        Files.writeString(
                properties,
                "db.host=" + db.getHost() + "\ndb.port=" + (db.getPort() < 0 ? 5432 : db.getPort()) + "\ndb.name="
                        + db.getPath().substring(1)
                        + "\ndb.user=" + user + "\ndb.password=" + password
                        + "\noutpost.sync-tokens=" + SYNC_TOKEN + "\noutpost.write-tokens=" + WRITE_TOKEN
                        + "\noutpost.admin-tokens=" + adminToken + "\n");
        System.out.println(
                "Starting Payara Micro with the Outpost WAR (log: " + runDir.resolve("payara-demo.log") + ") ...");
        PayaraMicroServer server = PayaraMicroServer.start(runDir, properties, "demo", port());
        EmbeddedPostgres postgres = embedded;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            TestPostgres.stop(postgres);
            stopped.countDown();
        }));
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            if (isEmpty(c)) {
                DemoData.release1(c, 20, 500);
                DemoData.release2(c);
                DemoData.release4(c);
            }
        }
        Path cli = runDir.resolve("outpost-client.jar");
        System.out.println();
        System.out.println("Outpost server:   " + server.baseUri());
        System.out.println("PostgreSQL:       " + jdbcUrl);
        System.out.println("Sync token:       " + SYNC_TOKEN + "   (write token: " + WRITE_TOKEN + ")");
        System.out.println("Sync a replica:   java -jar " + cli + " sync --server " + server.baseUri() + " --token "
                + SYNC_TOKEN + " --replica ./outpost-replica");
        System.out.println("Query it:         java -jar " + cli
                + " sql --replica ./outpost-replica \"select count(*) from users\"");
        System.out.println("Admin console:    " + server.baseUri() + "admin/   (admin token: " + adminToken + ")");
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static boolean isEmpty(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from companies")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    private static int port() throws IOException {
        try (ServerSocket probe = new ServerSocket(PREFERRED_PORT)) {
            return PREFERRED_PORT;
        } catch (IOException taken) {
            return PayaraMicroServer.freePort();
        }
    }
}
