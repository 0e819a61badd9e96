package dev.outpost.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EntityTagsTest {
    private static final String TAG = "3540ebce3f215ef760e9defc530ded29";

    @Test
    void theTagItselfWeakOrStrongInAListOrAStarHits() {
        assertTrue(EntityTags.noneMatchHits("\"" + TAG + "\"", TAG));
        assertTrue(EntityTags.noneMatchHits("W/\"" + TAG + "\"", TAG));
        assertTrue(EntityTags.noneMatchHits("\"old\", \"" + TAG + "\"", TAG));
        assertTrue(EntityTags.noneMatchHits(" * ", TAG));
    }

    @Test
    void anotherTagAPrefixOrAnythingMalformedMisses() {
        assertFalse(EntityTags.noneMatchHits("\"old\"", TAG));
        assertFalse(EntityTags.noneMatchHits("\"" + TAG.substring(1) + "\"", TAG));
        assertFalse(EntityTags.noneMatchHits("\"" + TAG + "x\"", TAG));
        assertFalse(EntityTags.noneMatchHits(TAG, TAG), "unquoted");
        assertFalse(EntityTags.noneMatchHits("\"" + TAG + "\", garbage", TAG), "malformed element: JAX-RS decides");
        assertFalse(EntityTags.noneMatchHits("\"" + TAG + "\",", TAG));
        assertFalse(EntityTags.noneMatchHits("\"a\"b\"", TAG));
        assertFalse(EntityTags.noneMatchHits("", TAG));
    }

    @Test
    void quotesAsAStrongTag() {
        assertEquals("\"" + TAG + "\"", EntityTags.quoted(TAG));
    }
}
