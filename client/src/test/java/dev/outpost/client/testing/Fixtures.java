package dev.outpost.client.testing;

import dev.outpost.protocol.SchemaInfo;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;

/** Test fixtures from {@code src/test/resources/fixtures/} and Derby helpers. */
public final class Fixtures {
    private Fixtures() {}

    /** The fixture schema with several tables and every supported type. */
    public static SchemaInfo schema() {
        try (Jsonb jsonb = JsonbBuilder.create();
                InputStream in = Fixtures.class.getResourceAsStream("/fixtures/schema.json")) {
            return jsonb.fromJson(in, SchemaInfo.class);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Shuts an embedded Derby database down (Derby signals success with SQLState 08006). */
    public static void shutdown(Path db) {
        try {
            DriverManager.getConnection("jdbc:derby:" + db + ";shutdown=true").close();
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState())) {
                throw new IllegalStateException(e);
            }
        }
    }
}
