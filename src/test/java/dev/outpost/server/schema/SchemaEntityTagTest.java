package dev.outpost.server.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaEntityTagTest {
    @Test
    void theTagChangesWithTheFollowedTablesWhileTheFingerprintStaysTheSame() {
        SchemaInfo snapshotOnly = schema(false, false);
        SchemaInfo capturing = schema(true, false);
        assertEquals(snapshotOnly.fingerprint(), capturing.fingerprint());
        assertEquals(SchemaResource.entityTag(capturing), SchemaResource.entityTag(schema(true, false)));
        assertNotEquals(SchemaResource.entityTag(snapshotOnly), SchemaResource.entityTag(capturing));
        assertNotEquals(SchemaResource.entityTag(capturing), SchemaResource.entityTag(schema(false, true)));
        assertNotEquals(
                SchemaResource.entityTag(snapshotOnly),
                SchemaResource.entityTag(new SchemaInfo("other", snapshotOnly.tables())));
    }

    private static SchemaInfo schema(boolean aFollowed, boolean bFollowed) {
        return new SchemaInfo("f", List.of(table("a", aFollowed), table("b", bFollowed)));
    }

    private static TableSchema table(String name, boolean followed) {
        return new TableSchema(name, null, List.of(), List.of("id"), List.of(), List.of(), "fp-" + name, "s", followed);
    }
}
