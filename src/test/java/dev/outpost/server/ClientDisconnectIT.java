package dev.outpost.server;

import static dev.outpost.server.testsupport.EmbeddedPostgresSession.SYNC_TOKEN;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.protocol.SyncPaths;
import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.ServerLog;
import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that goes away in the middle of a page (a closed laptop, a killed process: the connection
 * is reset) is an ordinary event for the server: one line in its log, no error and no stack trace.
 * Runs on Payara Micro here and on WildFly in the wildfly-it module.
 */
@ExtendWith(ArquillianExtension.class)
public class ClientDisconnectIT {
    /** Users with large avatars: a page far larger than what the connection's buffers hold. */
    private static final int USERS = 12;

    private static final int AVATAR_BYTES = 1 << 20;

    @Deployment(testable = false)
    public static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("outpost.war")));
    }

    @ArquillianResource
    private URL base;

    private final ServerLog log = ServerLog.of();

    @Test
    void aClientResettingTheConnectionMidPageIsOneLineAndNoError() throws Exception {
        long company = insertUsersWithLargeAvatars();
        try {
            long mark = log.mark();
            long received = readPartOfAPageAndReset();
            assertTrue(received > 0, "the page had started");
            String line = log.awaitLineSince(mark, "closed the connection", 30_000);
            assertTrue(line.contains("users"), line);
            assertFalse(log.linesSince(mark).stream().anyMatch(l -> l.trim().startsWith("at ")), "a stack trace");
            log.assertNoErrorsSince(mark);
        } finally {
            deleteCompany(company);
        }
    }

    /** Sends a page request, reads the first 64 KiB of its answer and resets the connection. */
    private long readPartOfAPageAndReset() throws Exception {
        String path = base.getPath() + SyncPaths.API_ROOT + "/" + SyncPaths.SYNC + "/"
                + SyncPaths.TABLE_ROWS.replace("{" + SyncPaths.TABLE_PARAM + "}", "users") + "?limit=100000";
        try (Socket socket = new Socket()) {
            // a small window keeps the server writing (and blocked) for as long as the page lasts
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nAuthorization: Bearer " + SYNC_TOKEN + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            long received = 0;
            while (received < 64 * 1024) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received += n;
            }
            String head = new String(buffer, 0, 12, StandardCharsets.US_ASCII);
            socket.setSoLinger(true, 0); // close with a reset, as a killed client's kernel does
            assertTrue(received >= 64 * 1024, "the answer ended after " + received + " bytes: " + head);
            return received;
        }
    }

    private static long insertUsersWithLargeAvatars() throws Exception {
        try (Connection c = EmbeddedPostgresSession.connect();
                Statement st = c.createStatement()) {
            long company;
            try (ResultSet rs = st.executeQuery("insert into companies (name, created_at) values"
                    + " ('disconnect probe " + System.nanoTime() + "', now()) returning id")) {
                rs.next();
                company = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement("insert into users"
                    + " (company_id, email, display_name, active, avatar, created_at)"
                    + " select ?, 'probe-' || g || '-' || ? || '@example.com', 'probe', true,"
                    + "   decode(repeat('ab', ?), 'hex'), now() from generate_series(1, ?) g")) {
                ps.setLong(1, company);
                ps.setLong(2, company);
                ps.setInt(3, AVATAR_BYTES);
                ps.setInt(4, USERS);
                ps.executeUpdate();
            }
            return company;
        }
    }

    private static void deleteCompany(long company) throws Exception {
        try (Connection c = EmbeddedPostgresSession.connect();
                PreparedStatement users = c.prepareStatement("delete from users where company_id = ?");
                PreparedStatement companies = c.prepareStatement("delete from companies where id = ?")) {
            users.setLong(1, company);
            users.executeUpdate();
            companies.setLong(1, company);
            companies.executeUpdate();
        }
    }
}
