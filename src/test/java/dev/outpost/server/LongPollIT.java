package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.SyncPaths;
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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * one committed change then answers every one of them.
 */
@ExtendWith(ArquillianExtension.class)
public class LongPollIT {
    /** Above Payara Micro's and WildFly's (cores × 16) request threads on this kind of machine. */
    private static final int POLLS = 300;

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
