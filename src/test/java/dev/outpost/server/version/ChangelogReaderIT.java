package dev.outpost.server.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.outpost.server.testsupport.EmbeddedPostgresSession;
import dev.outpost.server.testsupport.TestLiquibase;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** The version reader against real Liquibase histories in a real PostgreSQL. */
class ChangelogReaderIT {
    private final ChangelogReader reader = new ChangelogReader("public");

    @Test
    void aDatabaseLiquibaseNeverTouchedHasNoTagAndNoChangeset() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("history_none")) {
            assertEquals(new ChangelogReader.ChangelogState(null, null), reader.read(c));
        }
    }

    @Test
    void eachReleaseOfTheExampleChangelogMovesTheTag() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("history_releases")) {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            assertEquals("1.0", reader.read(c).tag());
            assertEquals("r1-tag", reader.read(c).latestChangeSet().id());
            TestLiquibase.update(c, TestLiquibase.MASTER, null);
            ChangelogReader.ChangelogState state = reader.read(c);
            assertEquals("4.0", state.tag());
            assertEquals("r4-tag", state.latestChangeSet().id());
            assertEquals("outpost", state.latestChangeSet().author());
            assertEquals("liquibase/release-4.xml", state.latestChangeSet().file());
        }
    }

    @Test
    void anUntaggedHistoryHasNoTagButItsLatestChangeset() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("history_untagged")) {
            TestLiquibase.update(c, "fixtures/untagged-changelog.xml", null);
            ChangelogReader.ChangelogState state = reader.read(c);
            assertNull(state.tag());
            assertEquals("2", state.latestChangeSet().id());
            assertEquals("someone-else", state.latestChangeSet().author());
        }
    }

    @Test
    void aTagOnAnEarlierRowIsStillTheTagAndSkippedChangesetsDoNotCount() throws Exception {
        try (Connection c = EmbeddedPostgresSession.scratchDatabase("history_midway")) {
            TestLiquibase.update(c, "fixtures/tag-midway-changelog.yaml", null);
            ChangelogReader.ChangelogState state = reader.read(c);
            assertEquals("v7", state.tag());
            assertEquals("a4", state.latestChangeSet().id());
        }
    }
}
