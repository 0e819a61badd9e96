package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import dev.outpost.client.SyncEvent;
import dev.outpost.client.SyncResult;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Connections cut in the middle of an answer, through a proxy the test controls ({@link LinkProxy}),
 * with compressed answers as over a real link: a sync whose pages are cut twice finishes in the same
 * call, having downloaded at most one page again per cut (with pages asked for ahead, a cut often
 * falls in a page not read yet), a cut inside the page being read resumes after its last row, and a
 * live replica whose answer is cut
 * (its long poll, or its version check) retries by itself and receives the change. Each replica ends equal to PostgreSQL row by row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DroppedConnectionsIT {
    private static final String TOKEN = "drops-sync-token";
    private static final int ROWS = 60_000;
    private static final int PAGE_ROWS = 10_000;
    private static final List<String> TABLES = List.of("readings", "sites");
    private static final Duration CONVERGE = Duration.ofSeconds(60);
    private static final long RATE = 2_000_000;

    private OutpostStack stack;
    private long wholeSyncBytes;

    @BeforeAll
    void start() throws Exception {
        stack = OutpostStack.start("drops", TOKEN, c -> {
            try (Statement s = c.createStatement()) {
                s.execute("create table sites (id int primary key, name text not null)");
                s.execute("insert into sites select i, 'site ' || i from generate_series(1, 10) i");
                s.execute("create table readings (id bigint primary key, site int not null references sites,"
                        + " taken_at timestamptz not null, reading numeric(10,3), note text)");
                s.execute("insert into readings select i, 1 + i % 10, timestamptz '2026-01-01 00:00:00+00'"
                        + " + i * interval '7 seconds', (i * 37 % 100000) / 1000.0,"
                        + " case when i % 4 = 0 then null else md5(i::text) end from generate_series(1, " + ROWS
                        + ") i");
            }
        });
    }

    @AfterAll
    void stop() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSyncCutTwiceInsidePagesFinishesHavingDownloadedAtMostOnePageAgainPerCut() throws Exception {
        long whole = wholeSyncBytes();
        long page = whole / (ROWS / PAGE_ROWS);
        try (LinkProxy link = shapedProxy();
                OutpostReplica replica = open("cut", link, PAGE_ROWS)) {
            link.cutDownstreamAt(whole * 30 / 100, whole * 65 / 100);
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.CREATED, result.outcome(), "the same call finished the sync");
            assertEquals(2, link.cuts(), "both connections were cut");
            long again = link.downstreamBytes() - whole;
            // pages are alike in size; a request's answer head is well under 4 KiB
            assertTrue(
                    again <= 2 * (page * 5 / 4 + 4096),
                    "downloaded again: " + again + " bytes, a page is about " + page + " of " + whole);
            assertSameRows(replica);
        }
    }

    /**
     * One page for the whole table, so no page is asked for ahead: the cut falls inside the page being
     * read, which is asked for again and read on after its last row stored; reading it again from its
     * start into the same statement would store rows twice and fail on the key.
     */
    @Test
    void aCutInsideThePageBeingReadResumesAfterItsLastRow() throws Exception {
        long whole = wholeSyncBytes();
        // slow enough that the rows are read as they arrive, the cut late enough that most were read
        try (LinkProxy link = LinkProxy.start(serverAddress(), RATE / 4, Duration.ZERO);
                OutpostReplica replica = open("one-page", link, ROWS)) {
            link.cutDownstreamAt(whole * 80 / 100);
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome(), "the same call finished the sync");
            assertEquals(1, link.cuts());
            assertSameRows(replica);
        }
    }

    @Test
    void liveModeWhoseAnswerIsCutRetriesByItselfAndTheChangeArrives() throws Exception {
        List<SyncEvent> events = new CopyOnWriteArrayList<>();
        try (LinkProxy link = proxy();
                OutpostReplica replica = open("live", link, PAGE_ROWS)) {
            replica.addListener(events::add);
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            replica.startLiveSync();
            Conditions.await(
                    "live mode checked the version",
                    CONVERGE,
                    () -> events.stream()
                                    .filter(e -> e instanceof SyncEvent.CheckStarted)
                                    .count()
                            >= 2);
            // the next answer's first byte: most often the long poll's, else the version check's
            link.cutDownstreamAt(link.downstreamBytes() + 1);
            try (Connection c = stack.connect();
                    Statement s = c.createStatement()) {
                s.execute("update sites set name = name || ' (moved)' where id = 3");
                s.execute("insert into readings values (" + (ROWS + 1) + ", 3, now(), 1.5, 'after the cut')");
            }
            Conditions.eventually(CONVERGE, () -> assertSameRows(replica));
            assertEquals(1, link.cuts(), "an answer was cut");
            assertTrue(
                    events.stream().anyMatch(e -> e instanceof SyncEvent.SyncFailed),
                    "the cut was noticed (and retried): " + events);
        }
    }

    /** The bytes a sync of the tables costs through the proxy without a cut (measured once). */
    private synchronized long wholeSyncBytes() throws Exception {
        if (wholeSyncBytes == 0) {
            try (LinkProxy link = proxy();
                    OutpostReplica replica = open("whole", link, PAGE_ROWS)) {
                assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
                wholeSyncBytes = link.downstreamBytes();
            }
        }
        return wholeSyncBytes;
    }

    private LinkProxy proxy() {
        return LinkProxy.unshaped(serverAddress());
    }

    /**
     * A link of {@value #RATE} bytes a second: the client reads what arrives as it arrives, so a cut
     * at a share of the bytes falls about that far into the rows (unshaped, the answer's bytes are in
     * the client's socket buffers long before they are read, and a reset drops them unread).
     */
    private LinkProxy shapedProxy() {
        return LinkProxy.start(serverAddress(), RATE, Duration.ZERO);
    }

    private InetSocketAddress serverAddress() {
        URI server = stack.server().baseUri();
        return new InetSocketAddress(server.getHost(), server.getPort());
    }

    /** A replica reaching the server through {@code link}, asking for compressed answers as over a real link. */
    private OutpostReplica open(String name, LinkProxy link, int pageRows) {
        URI server = stack.server().baseUri();
        return OutpostReplica.open(ReplicaConfig.builder()
                .serverUrl(URI.create("http://127.0.0.1:" + link.port() + server.getPath()))
                .token(TOKEN)
                .directory(stack.work().resolve(name))
                .pageRows(pageRows)
                .compression(ReplicaConfig.Compression.ALWAYS)
                .build());
    }

    private void assertSameRows(OutpostReplica replica) throws Exception {
        try (Connection pg = stack.connect();
                Connection derby = replica.openConnection()) {
            for (String table : TABLES) {
                ReplicaComparison.assertSameRows(pg, derby, table);
            }
        }
    }
}
