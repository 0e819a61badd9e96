package dev.outpost.client.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** A failed sync's message is sent cut to {@value SyncReports#MAX_ERROR} characters, never mid-character. */
class SyncReportsTest {
    @Test
    void aLongErrorIsCutToItsLimit() {
        String shortOne = "Cannot reach the server";
        assertSame(shortOne, SyncReports.truncated(shortOne));
        assertEquals("x".repeat(1_000), SyncReports.truncated("x".repeat(5_000)));
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String message = "x".repeat(999) + "\uD83D\uDE00" + "tail"; // an emoji across the limit
        assertEquals("x".repeat(999), SyncReports.truncated(message));
    }
}
