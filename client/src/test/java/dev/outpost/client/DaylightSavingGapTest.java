package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.SchemaInfo;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client whose JVM runs in a time zone with daylight saving keeps the times that zone skips:
 * 2024-03-31 02:30 does not exist in Europe/Berlin (clocks jump from 02:00 to 03:00), yet it is a
 * valid PostgreSQL {@code timestamp} and the UTC fields of a {@code timestamptz} instant. Such values
 * must keep their fields when downloaded, when changed by the feed, when a migration copies the table
 * into the new database, and {@code verify} must find them equal to the server's. (Derby converts
 * through the JVM's zone in several places: a {@code CAST} of text to TIMESTAMP stored 03:30, so did a
 * timestamp parameter of a JDBC batch however it was set, and {@code getString} reads 02:30 as 03:30.)
 */
class DaylightSavingGapTest {
    private static final String USERS_SHAPE = Fixtures.shape("users", "users-fp");

    @TempDir
    Path dir;

    private TimeZone zoneBefore;

    @BeforeEach
    void runInBerlin() {
        zoneBefore = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("Europe/Berlin"));
    }

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(zoneBefore);
    }

    @Test
    void timesInTheGapKeepTheirFieldsThroughLoadFeedMigrationAndVerify() throws Exception {
        String[] downloaded = user("1", "2024-03-31 02:30:00.123456", "2024-03-31 02:15:00+00");
        InMemorySource source = new InMemorySource("v1", Fixtures.followed(Fixtures.schema()))
                .rows("users", List.<String[]>of(downloaded))
                .withFeed();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            assertEquals(List.of("1|2024-3-31 2:30:0.123456|2024-3-31 2:15"), fields(replica), "downloaded");
            VerifyResult verified = replica.verify();
            assertTrue(verified.matches(), verified.toString());

            String[] changed = user("2", "2024-03-31 02:59:59.999999", "2024-03-31 02:00:00+00");
            String[] change = new String[3 + changed.length];
            change[0] = "users";
            change[1] = ChangeLines.UPSERT;
            change[2] = USERS_SHAPE;
            System.arraycopy(changed, 0, change, 3, changed.length);
            source.commit(change);
            assertEquals(1, replica.sync().changesApplied());
            List<String> both =
                    List.of("1|2024-3-31 2:30:0.123456|2024-3-31 2:15", "2|2024-3-31 2:59:59.999999|2024-3-31 2:0");
            assertEquals(both, fields(replica), "changed by the feed");
            source.rows("users", List.of(downloaded, changed));
            verified = replica.verify();
            assertTrue(verified.matches(), verified.toString());

            source.release("v2", Fixtures.changed(Fixtures.followed(Fixtures.schema()), "categories", "v2"));
            assertEquals(SyncResult.Outcome.REBUILT, replica.sync().outcome());
            assertEquals(both, fields(replica), "copied into the new database by the migration (users is kept)");
            verified = replica.verify();
            assertTrue(verified.matches(), verified.toString());
        }
    }

    @Test
    void aSnapshotOnlyTableReloadedBesideTheFeedKeepsTheGapToo() throws Exception {
        SchemaInfo usersSnapshotOnly = Fixtures.snapshotOnly(Fixtures.followed(Fixtures.schema()), "users");
        InMemorySource source = new InMemorySource("v1", usersSnapshotOnly)
                .rows("users", List.<String[]>of(user("1", "2024-03-31 02:30:00.5", "2024-03-31 02:45:00+00")))
                .withFeed();
        try (OutpostReplica replica = OutpostReplica.open(config(), source)) {
            replica.sync();
            source.rows(
                    "users",
                    List.<String[]>of(
                            user("1", "2024-03-31 02:30:00.5", "2024-03-31 02:45:00+00"),
                            user("2", "2024-03-31 02:00:00", "2024-03-31 02:01:00+00")));
            List<SyncEvent> events = new ArrayList<>();
            replica.addListener(events::add);
            replica.sync();
            assertTrue(events.contains(new SyncEvent.TableLoaded("users", 2)), "reloaded: " + events);
            assertEquals(
                    List.of("1|2024-3-31 2:30:0.500000|2024-3-31 2:45", "2|2024-3-31 2:0:0.000000|2024-3-31 2:1"),
                    fields(replica));
            VerifyResult verified = replica.verify();
            assertTrue(verified.matches(), verified.toString());
        }
    }

    /** A {@code users} row of the fixture schema with these two timestamps. */
    private static String[] user(String id, String updatedAt, String createdAt) {
        return Fixtures.user(id, "u" + id + "@example.com", updatedAt, createdAt);
    }

    /** Each user's timestamps by the fields Derby stored, read with Derby's field functions. */
    private static List<String> fields(OutpostReplica replica) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id, year(updated_at), month(updated_at), day(updated_at),"
                        + " hour(updated_at), minute(updated_at), second(updated_at),"
                        + " year(created_at), month(created_at), day(created_at), hour(created_at),"
                        + " minute(created_at) from users order by id")) {
            while (rs.next()) {
                double seconds = rs.getDouble(7);
                rows.add(rs.getLong(1) + "|" + rs.getInt(2) + "-" + rs.getInt(3) + "-" + rs.getInt(4) + " "
                        + rs.getInt(5) + ":" + rs.getInt(6) + ":" + String.format(Locale.ROOT, "%.6f", seconds) + "|"
                        + rs.getInt(8) + "-" + rs.getInt(9) + "-" + rs.getInt(10) + " " + rs.getInt(11) + ":"
                        + rs.getInt(12));
            }
        }
        return rows;
    }

    private ReplicaConfig config() {
        return ReplicaConfig.builder().directory(dir).pageRows(1000).build();
    }
}
