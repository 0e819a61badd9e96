package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Following the change feed on a real Derby replica, from an in-memory server: the snapshot/feed
 * hand-off, idempotent application, broken answers, a lost position and table definitions that move.
 */
class FeedFollowingTest {
    private static final String CATEGORIES_SHAPE = Fixtures.shape("categories", "categories-fp");

    @TempDir
    Path dir;

    @Test
    void appliesWholeTransactionsAfterTheSnapshotPositionIdempotently() throws Exception {
        InMemorySource source = source();
        source.commit(upsert("9", "before the snapshot"));
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            assertEquals(
                    List.of("1|3|child", "2|null|root", "3|2|middle"),
                    categories(replica),
                    "a change at or before the snapshot's position is already in the snapshot: not applied again");

            source.commit(upsert("4", "new"), upsert("1", "child renamed"));
            source.commit(delete("3"), upsert("5", "was 3")); // a key change: delete of the old key, then upsert
            source.commit(delete("77")); // a row the replica never had
            source.commit(upsert("2", "root")); // already there: the snapshot/feed overlap
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, result.outcome());
            assertEquals(6, result.changesApplied());
            List<String> expected = List.of("1|null|child renamed", "2|null|root", "4|null|new", "5|null|was 3");
            assertEquals(expected, categories(replica));

            source.commit(upsert("6", "six"), upsert("7", "seven"));
            source.cutNextAnswerAfter(1);
            OutpostException cut = assertThrows(OutpostException.class, replica::sync);
            assertEquals(ErrorCode.PROTOCOL_ERROR, cut.code(), cut.getMessage());
            assertEquals(expected, categories(replica), "half a server transaction is never applied");

            assertEquals(2, replica.sync().changesApplied(), "the next sync asks from the stored position again");
            source.commit(new String[] {"categories", ChangeLines.TRUNCATE, CATEGORIES_SHAPE});
            source.commit(upsert("8", "after truncate"));
            replica.sync();
            assertEquals(List.of("8|null|after truncate"), categories(replica));
        }
    }

    @Test
    void closingTheReplicaEndsLiveModeAtOnceEvenDuringALongPoll() throws Exception {
        InMemorySource source = source();
        CountDownLatch held = source.holdLongPolls();
        OutpostReplica replica = OutpostReplica.open(config(), source);
        replica.startLiveSync();
        assertTrue(held.await(60, TimeUnit.SECONDS), "a long poll is waiting for changes");

        long start = System.nanoTime();
        replica.close();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(millis < 1_000, "closed in " + millis + " ms, while the poll could wait 20 s");
    }

    @Test
    void stoppingLiveModeEndsALongPollAtOnceKeepsTheReplicaOpenAndLiveModeStartsAgain() throws Exception {
        InMemorySource source = source();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            CountDownLatch held = source.holdLongPolls();
            replica.startLiveSync();
            assertTrue(held.await(60, TimeUnit.SECONDS), "a long poll is waiting for changes");

            long start = System.nanoTime();
            replica.stopLiveSync();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 1_000, "stopped in " + millis + " ms, while the poll could wait 20 s");

            long position = replica.localState().orElseThrow().feedPosition();
            source.commit(upsert("4", "after the stop"));
            List<SyncEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            replica.addListener(events::add);
            replica.startLiveSync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (events.stream().noneMatch(e -> e instanceof SyncEvent.ChangesApplied)) {
                assertTrue(System.nanoTime() < deadline, "live mode started again: " + events);
                Thread.sleep(20);
            }
            assertEquals(position + 1, replica.localState().orElseThrow().feedPosition());
            assertTrue(
                    categories(replica).contains("4|null|after the stop"),
                    categories(replica).toString());
        }
    }

    @Test
    void aPositionTheFeedLostRebuildsFromASnapshotOnceAndContinues() throws Exception {
        InMemorySource source = source();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            String before = replica.status().local().syncedAt().toString();
            source.commit(upsert("4", "lost"));
            source.horizon(1); // retention deleted it before the replica asked
            SyncResult result = replica.sync();
            assertEquals(SyncResult.Outcome.UP_TO_DATE, result.outcome(), "the version check itself found nothing");
            assertNotEquals(before, replica.status().local().syncedAt().toString(), "a new snapshot was loaded");
            assertEquals(List.of("1|3|child", "2|null|root", "3|2|middle"), categories(replica));
            source.commit(upsert("5", "after the rebuild"));
            assertEquals(1, replica.sync().changesApplied());
            assertTrue(categories(replica).contains("5|null|after the rebuild"));
        }
    }

    @Test
    void changesUnderAnOlderDefinitionAreSkippedAndANewerOneMigratesFirst() throws Exception {
        InMemorySource source = source();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.commit(new String[] {"categories", ChangeLines.UPSERT, "categories-older-shape", "4", null, "x"});
            source.commit(upsert("5", "current"));
            assertEquals(1, replica.sync().changesApplied(), "the change made under the older definition is skipped");

            List<SyncEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            replica.addListener(events::add);
            replica.startLiveSync();
            source.release("v2", Fixtures.changed(Fixtures.followed(Fixtures.schema()), "categories", "v2"));
            source.commit(new String[] {
                "categories", ChangeLines.UPSERT, CATEGORIES_SHAPE + "@v2", "6", null, "newer definition"
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!"v2".equals(replica.status().local().tag()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals("v2", replica.status().local().tag(), "live following migrated: " + events);
            assertTrue(
                    events.stream()
                            .anyMatch(e -> e instanceof SyncEvent.RebuildStarted s
                                    && s.tables().equals(List.of("categories"))),
                    "only the changed table was rebuilt: " + events);
        }
    }

    private static String[] upsert(String id, String name) {
        return new String[] {"categories", ChangeLines.UPSERT, CATEGORIES_SHAPE, id, null, name};
    }

    private static String[] delete(String id) {
        return new String[] {"categories", ChangeLines.DELETE, CATEGORIES_SHAPE, id};
    }

    private InMemorySource source() {
        return Fixtures.categories(Fixtures.followed(Fixtures.schema()));
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }

    private static List<String> categories(OutpostReplica replica) throws Exception {
        return Fixtures.rows(replica, "select id, parent_id, name from categories order by id");
    }
}
