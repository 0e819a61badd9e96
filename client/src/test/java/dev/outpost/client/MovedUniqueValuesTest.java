package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.outpost.client.testing.Fixtures;
import dev.outpost.client.testing.InMemorySource;
import dev.outpost.protocol.ChangeLines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A snapshot is read page by page, each page at its own moment, so a value of a unique column that
 * moved from one row to another between two pages is in both rows of the download: user 1's page was
 * read before it changed its e-mail, user 2's after it took the old one. The replica must store that
 * (the server's unique constraints are indexes in the replica, not constraints) and end equal to the
 * server once the feed brings the change.
 */
class MovedUniqueValuesTest {
    private static final String USERS_SHAPE = Fixtures.shape("users", "users-fp");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "pages of {0} rows")
    @ValueSource(ints = {1000, 1})
    void aValueThatMovedBetweenTwoPagesIsStoredAndTheFeedSettlesIt(int pageRows) throws Exception {
        InMemorySource source = new InMemorySource("v1", Fixtures.followed(Fixtures.schema()))
                .rows("users", List.of(user("1", "taken@example.com"), user("2", "taken@example.com")))
                .withFeed();
        try (OutpostReplica replica = OutpostReplica.open(
                ReplicaConfig.builder().directory(dir).pageRows(pageRows).build(), source)) {
            assertEquals(SyncResult.Outcome.CREATED, replica.sync().outcome());
            assertEquals(List.of("1 taken@example.com", "2 taken@example.com"), emails(replica));

            String[] renamed = user("1", "moved@example.com");
            String[] change = new String[3 + renamed.length];
            change[0] = "users";
            change[1] = ChangeLines.UPSERT;
            change[2] = USERS_SHAPE;
            System.arraycopy(renamed, 0, change, 3, renamed.length);
            source.commit(change);
            source.rows("users", List.of(renamed, user("2", "taken@example.com")));
            assertEquals(1, replica.sync().changesApplied());
            assertEquals(List.of("1 moved@example.com", "2 taken@example.com"), emails(replica));
            VerifyResult verified = replica.verify();
            assertEquals(true, verified.matches(), verified.toString());
        }
    }

    private static List<String> emails(OutpostReplica replica) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = replica.openConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select id, email from users order by id")) {
            while (rs.next()) {
                rows.add(rs.getLong(1) + " " + rs.getString(2));
            }
        }
        return rows;
    }

    /** A {@code users} row of the fixture schema. */
    private static String[] user(String id, String email) {
        return Fixtures.user(id, email, "2024-01-01 10:00:00", "2024-01-01 10:00:00+00");
    }
}
