package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.METRICS_TOKEN;
import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.OperationsPaths;
import dev.outpost.protocol.ProblemType;
import dev.outpost.protocol.RowLines;
import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.testsupport.ApiCalls;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Live-mode long polls hold no request thread: {@value #POLLS} polls wait at once, more than the
 * request threads of Payara Micro or WildFly, and the server still answers another request at once;
 * one committed change then answers every one of them. PostgreSQL runs no more statements for 300
 * waiting polls than for 50 (the feed's bounds are read once for all of them), and a position retention
 * passed is refused even when the bounds were read just before retention ran.
 */
@ExtendWith(ArquillianExtension.class)
public class LongPollIT {
    /** Above Payara Micro's and WildFly's (cores × 16) request threads on this kind of machine. */
    private static final int POLLS = 300;

    /** The smaller crowd PostgreSQL's statements are compared with. */
    private static final int FEW_POLLS = 50;

    private static final String SYNC = SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/";
    private static final String CHANGES = SYNC + SyncPaths.CHANGES;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")));
    }

    @ArquillianResource
    private URL base;

    @Test
    void manyWaitingPollsLeaveTheServerFreeAndOneChangeAnswersThemAll() throws Exception {
        ApiCalls api = new ApiCalls(base.toURI());
        String from = api.awaitFeedPosition(CHANGES, SYNC_TOKEN);
        String marker = "Long poll " + System.nanoTime();
        List<Socket> polls = new ArrayList<>();
        try {
            for (int i = 0; i < POLLS; i++) {
                polls.add(send(CHANGES + "?after=" + from + "&wait=60"));
            }
            long start = System.nanoTime();
            HttpResponse<String> version = api.get(SYNC + SyncPaths.VERSION, SYNC_TOKEN);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(200, version.statusCode(), version.body());
            assertTrue(
                    millis < 5_000, POLLS + " waiting polls held the server: a version check took " + millis + " ms");
            for (Socket poll : polls) {
                assertEquals(0, poll.getInputStream().available(), "a poll was answered before any change");
            }
            try (Connection db = EmbeddedPostgresSession.connect();
                    Statement st = db.createStatement()) {
                st.executeUpdate("insert into companies (name, country, credit_limit, created_at)" + " values ('"
                        + marker + "', 'DE', 1, now())");
            }
            for (Socket poll : polls) {
                poll.setSoTimeout(30_000);
                String answer = readAll(poll.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.contains(marker), "every poll got the change: " + answer);
            }
        } finally {
            for (Socket poll : polls) {
                poll.close();
            }
        }
    }

    @Test
    void postgresQueriesDoNotGrowWithTheWaitingPolls() throws Exception {
        ApiCalls api = new ApiCalls(base.toURI());
        try (Connection db = EmbeddedPostgresSession.connectAsSuperuser();
                Statement st = db.createStatement()) {
            st.execute("create extension if not exists pg_stat_statements");
        }
        Round few = round(api, FEW_POLLS);
        Round many = round(api, POLLS);
        assertTrue(
                many.statements() - few.statements() < (POLLS - FEW_POLLS) / 2,
                "PostgreSQL ran " + few + " with " + FEW_POLLS + " waiting polls and " + many + " with " + POLLS);
    }

    @Test
    void aPositionRetentionPassedIsRefusedAlthoughTheFeedWasCheckedJustBefore() throws Exception {
        ApiCalls api = new ApiCalls(base.toURI());
        String old = api.awaitFeedPosition(CHANGES, SYNC_TOKEN);
        String marker = "Retention " + System.nanoTime();
        insertCompany(marker);
        HttpResponse<String> written = api.get(CHANGES + "?after=" + old + "&wait=30", SYNC_TOKEN);
        assertTrue(written.body().contains(marker), written.body());
        String[] lines = written.body().trim().split("\n");
        String newest = ((RowLines.End) RowLines.parse(lines[lines.length - 1])).next();
        List<Socket> polls = new ArrayList<>();
        try {
            // waiting polls: the server reads the feed's bounds every 50 ms and answers requests from that read
            for (int i = 0; i < 5; i++) {
                polls.add(send(CHANGES + "?after=" + newest + "&wait=60"));
            }
            awaitWaitingPolls(api, 5);
            try (Connection db = EmbeddedPostgresSession.connect();
                    PreparedStatement retention = db.prepareStatement("with gone as (delete from "
                            + FeedTables.CHANGE_LOG + " where position <= ? returning position),"
                            + " moved as (update " + FeedTables.HORIZON + " set after_position ="
                            + " greatest(after_position, (select coalesce(max(position), 0) from gone)) returning 1)"
                            + " select count(*) from gone, moved")) {
                retention.setLong(1, Long.parseLong(newest));
                retention.executeQuery().close();
            }
            problem(api.get(CHANGES + "?after=" + old + "&wait=30", SYNC_TOKEN));
            problem(api.get(CHANGES + "?after=" + old, SYNC_TOKEN));
            for (Socket poll : polls) {
                assertEquals(0, poll.getInputStream().available(), "a poll at the horizon still waits");
            }
        } finally {
            for (Socket poll : polls) {
                poll.close();
            }
        }
    }

    /** What PostgreSQL ran while {@code count} polls waited and one change answered them all. */
    private record Round(long statements, long millis) {
        @Override
        public String toString() {
            return statements + " statements in " + millis + " ms";
        }
    }

    private Round round(ApiCalls api, int count) throws Exception {
        String from = api.awaitFeedPosition(CHANGES, SYNC_TOKEN);
        String marker = "Counted poll " + System.nanoTime();
        List<Socket> polls = new ArrayList<>();
        try (Connection db = EmbeddedPostgresSession.connectAsSuperuser()) {
            long before = statements(db);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                polls.add(send(CHANGES + "?after=" + from + "&wait=60"));
            }
            awaitWaitingPolls(api, count);
            insertCompany(marker);
            for (Socket poll : polls) {
                poll.setSoTimeout(30_000);
                String answer = readAll(poll.getInputStream());
                assertTrue(answer.contains(marker), "every poll got the change: " + answer);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new Round(statements(db) - before, millis);
        } finally {
            for (Socket poll : polls) {
                poll.close();
            }
        }
    }

    /** Statements run in the application's database so far (the server's, capture's, this test's). */
    private static long statements(Connection db) throws Exception {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("select coalesce(sum(calls), 0) from pg_stat_statements"
                        + " where dbid = (select oid from pg_database where datname = current_database())"
                        + " and query not like '%pg_stat_statements%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Waits until the server holds at least {@code count} polls waiting ({@code outpost_feed_waiting_polls}). */
    private static void awaitWaitingPolls(ApiCalls api, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Pattern gauge = Pattern.compile("(?m)^outpost_feed_waiting_polls (\\S+)$");
        while (true) {
            HttpResponse<String> metrics = api.get(SyncPaths.API_ROOT + "/" + OperationsPaths.METRICS, METRICS_TOKEN);
            Matcher m = gauge.matcher(metrics.body());
            if (m.find() && Double.parseDouble(m.group(1)) >= count) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "the server holds " + count + " waiting polls: " + metrics.body());
            Thread.sleep(20);
        }
    }

    private static void insertCompany(String name) throws Exception {
        try (Connection db = EmbeddedPostgresSession.connect();
                Statement st = db.createStatement()) {
            st.executeUpdate("insert into companies (name, country, credit_limit, created_at)" + " values ('" + name
                    + "', 'DE', 1, now())");
        }
    }

    /** A 409 must-rebuild problem. */
    private static void problem(HttpResponse<String> response) {
        assertEquals(409, response.statusCode(), response.body());
        assertTrue(response.body().contains(ProblemType.MUST_REBUILD.uri()), response.body());
    }

    /** Sends a GET on a connection of its own and leaves its answer to be read. */
    private Socket send(String path) throws IOException {
        Socket socket = new Socket(base.getHost(), base.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + base.getPath() + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                        + "\r\nAuthorization: Bearer " + SYNC_TOKEN + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
