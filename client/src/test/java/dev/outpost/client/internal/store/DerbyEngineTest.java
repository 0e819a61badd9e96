package dev.outpost.client.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DerbyEngineTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void pageCacheOfLargePagesTakesAtMostAQuarterOfTheHeap() {
        int pages = DerbyEngine.pageCachePages(256 * MIB);
        assertEquals(1024, pages);
        assertTrue(pages * 32 * 1024L <= 256 * MIB / 4, "32 KiB pages alone fit a quarter of a 256 MiB heap");
    }

    @Test
    void pageCacheIsCappedForLargeHeapsAndNeverBelowDerbysDefault() {
        assertEquals(DerbyEngine.MAX_PAGE_CACHE_PAGES, DerbyEngine.pageCachePages(8192 * MIB));
        assertEquals(DerbyEngine.MIN_PAGE_CACHE_PAGES, DerbyEngine.pageCachePages(128 * MIB));
    }
}
