package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.SchemaInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release that only adds a column to a followed table: the replica downloads the key and the new
 * column and keeps the rest of each row; a change made under the old definition that the replica had
 * not applied before the release sends the table to a whole download instead.
 */
class AddedColumnsTest {
    private static final SchemaInfo V1 = Fixtures.followed(Fixtures.schema());
    private static final SchemaInfo V2 = Fixtures.withAddedColumn(V1, "categories", "note", "v2");
    private static final String OLD_SHAPE = Fixtures.shape("categories", "categories-fp");
    private static final String NEW_SHAPE = Fixtures.shape("categories", "categories-fp@v2");

    @TempDir
    Path dir;

    @Test
    void onlyTheKeyAndTheNewColumnAreDownloaded() throws Exception {
        InMemorySource source = source();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.commit(new String[] {"categories", ChangeLines.UPSERT, OLD_SHAPE, "4", null, "before the release"});
            assertEquals(1, replica.sync().changesApplied(), "applied under the old definition");

            source.release("v2", V2);
            // the server's rows name each category differently from the replica: a replica that
            // downloaded the held columns would show these names
            source.rows(
                    "categories",
                    List.of(
                            new String[] {"1", "3", "server name", "n1"},
                            new String[] {"2", null, "server name", null},
                            new String[] {"3", "2", "server name", "n3"},
                            new String[] {"4", null, "server name", "n4"}));
            source.commit(new String[] {"categories", ChangeLines.UPSERT, NEW_SHAPE, "5", null, "after", "n5"});
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            replica.addListener(events::add);
            SyncResult result = replica.sync();

            assertEquals(SyncResult.Outcome.REBUILT, result.outcome());
            assertEquals(
                    List.of(new SyncEvent.ColumnsAdded("categories", List.of("note"), 4)),
                    events.stream()
                            .filter(e -> e instanceof SyncEvent.ColumnsAdded)
                            .toList());
            assertEquals(
                    List.of(
                            "1|3|child|n1",
                            "2|null|root|null",
                            "3|2|middle|n3",
                            "4|null|before the release|n4",
                            "5|null|after|n5"),
                    categories(replica),
                    "held columns kept, the new one downloaded, the change after the snapshot applied");
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
        }
    }

    @Test
    void aChangeUnderTheOldDefinitionAfterTheReplicaSendsTheTableToAWholeDownload() throws Exception {
        InMemorySource source = source();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            // the replica is offline while a row changes and the release comes out
            source.commit(new String[] {"categories", ChangeLines.UPSERT, OLD_SHAPE, "1", "3", "renamed"});
            source.release("v2", V2);
            source.rows(
                    "categories",
                    List.of(
                            new String[] {"1", "3", "renamed", "n1"},
                            new String[] {"2", null, "root", null},
                            new String[] {"3", "2", "middle", "n3"}));
            List<SyncEvent> events = new CopyOnWriteArrayList<>();
            replica.addListener(events::add);
            replica.sync();

            int added = indexOf(events, e -> e instanceof SyncEvent.ColumnsAdded);
            int whole = indexOf(
                    events,
                    e -> e instanceof SyncEvent.RebuildStarted r
                            && r.reason().equals("following the change feed")
                            && r.tables().equals(List.of("categories")));
            assertTrue(added >= 0 && whole > added, events.toString());
            assertEquals(List.of("1|3|renamed|n1", "2|null|root|null", "3|2|middle|n3"), categories(replica));
            assertEquals(SyncResult.Outcome.UP_TO_DATE, replica.sync().outcome());
        }
    }

    private static int indexOf(List<SyncEvent> events, java.util.function.Predicate<SyncEvent> wanted) {
        for (int i = 0; i < events.size(); i++) {
            if (wanted.test(events.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private InMemorySource source() {
        return Fixtures.categories(V1);
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }

    private static List<String> categories(OutpostReplica replica) throws Exception {
        return Fixtures.rows(replica, "select id, parent_id, name, note from categories order by id");
    }
}
