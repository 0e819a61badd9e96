package dev.outpost.client.internal.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.testing.Fixtures;
import dev.outpost.protocol.ColumnSchema;
import dev.outpost.protocol.SchemaInfo;
import dev.outpost.protocol.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class DerbyTypesTest {
    @Test
    void mapsEverySupportedType() {
        assertEquals(ColumnKind.BIGINT, kind("int8", null, null, null));
        assertEquals(ColumnKind.INTEGER, kind("int4", null, null, null));
        assertEquals(ColumnKind.SMALLINT, kind("int2", null, null, null));
        assertEquals(ColumnKind.DOUBLE, kind("float8", null, null, null));
        assertEquals(ColumnKind.REAL, kind("float4", null, null, null));
        assertEquals(ColumnKind.BOOLEAN, kind("bool", null, null, null));
        assertEquals(ColumnKind.VARCHAR, kind("varchar", 16336, null, null));
        assertEquals(ColumnKind.CLOB, kind("varchar", 16337, null, null));
        assertEquals(ColumnKind.CLOB, kind("varchar", null, null, null));
        assertEquals(ColumnKind.VARCHAR, kind("bpchar", 10, null, null));
        assertEquals(ColumnKind.CLOB, kind("text", null, null, null));
        assertEquals(ColumnKind.CLOB, kind("json", null, null, null));
        assertEquals(ColumnKind.CLOB, kind("jsonb", null, null, null));
        assertEquals(ColumnKind.DATE, kind("date", null, null, null));
        assertEquals(ColumnKind.TIMESTAMP, kind("timestamp", null, null, null));
        assertEquals(ColumnKind.TIMESTAMP_UTC, kind("timestamptz", null, null, null));
        assertEquals(ColumnKind.BLOB, kind("bytea", null, null, null));
        assertEquals(ColumnKind.UUID, kind("uuid", null, null, null));
        ReplicaColumn decimal = DerbyTypes.column(new ColumnSchema("n", "numeric", null, 31, 4, true), false);
        assertEquals(ColumnKind.DECIMAL, decimal.kind());
        assertEquals(31, decimal.precision());
        assertEquals(4, decimal.scale());
    }

    @Test
    void sizesCharacterColumnsInUtf16CodeUnits() {
        assertEquals(
                40,
                DerbyTypes.column(new ColumnSchema("v", "varchar", 20, null, null, true), false)
                        .length());
        assertEquals(
                10,
                DerbyTypes.column(new ColumnSchema("c", "bpchar", 5, null, null, true), false)
                        .length());
    }

    @Test
    void textInAKeyBecomesTheLongestVarchar() {
        ReplicaColumn key = DerbyTypes.column(new ColumnSchema("code", "text", null, null, null, false), true);
        assertEquals(ColumnKind.VARCHAR, key.kind());
        assertEquals(DerbyTypes.MAX_VARCHAR, key.length());
    }

    @Test
    void acceptsTheFixtureSchema() {
        assertEquals(4, DerbyTypes.preflight(Fixtures.schema()).size());
    }

    @Test
    void keepsTheTextFormOfTypesDerbyLacks() {
        for (String type : List.of("_text", "_int4", "mood", "int4range", "tsvector", "xml", "bit", "varbit")) {
            assertEquals(ColumnKind.CLOB, kind(type, null, null, null), type);
        }
        assertEquals(ColumnKind.CLOB, kind("numeric", null, null, null));
        assertEquals(ColumnKind.CLOB, kind("numeric", null, 40, 2));
        ReplicaColumn time = DerbyTypes.column(col("t", "time", null, null), false);
        assertEquals(ColumnKind.VARCHAR, time.kind());
        assertEquals(15, time.length());
        assertEquals(ColumnKind.VARCHAR, kind("interval", null, null, null));
        assertEquals(ColumnKind.VARCHAR, kind("inet", null, null, null));
        assertEquals(ColumnKind.VARCHAR, kind("money", null, null, null));
        ReplicaColumn enumKey = DerbyTypes.column(col("mood", "mood", null, null), true);
        assertEquals(ColumnKind.VARCHAR, enumKey.kind());
        assertEquals(DerbyTypes.MAX_VARCHAR, enumKey.length());
    }

    @Test
    void acceptsTablesWithoutPrimaryKeyButNotTheirRowNumberName() {
        TableSchema noKey = keyless("log", col("line", "text", null, null));
        ReplicaTable log =
                DerbyTypes.preflight(new SchemaInfo("fp", List.of(noKey))).get(0);
        assertTrue(log.hasRowNumber());
        TableSchema clash = keyless("log", col("OUTPOST_ROW", "text", null, null));
        OutpostException e =
                assertThrows(OutpostException.class, () -> DerbyTypes.preflight(new SchemaInfo("fp", List.of(clash))));
        assertTrue(e.getMessage().contains("log.OUTPOST_ROW: the name is reserved for the row number"), e.getMessage());
    }

    @Test
    void rejectsReservedTableNames() {
        TableSchema clash = table("outpost_replica", List.of(col("id", "int8", null, null)));
        OutpostException e =
                assertThrows(OutpostException.class, () -> DerbyTypes.preflight(new SchemaInfo("fp", List.of(clash))));
        assertEquals(ErrorCode.SCHEMA_UNSUPPORTED, e.code());
        assertTrue(
                e.getMessage().contains("outpost_replica: names starting with outpost_ are reserved"), e.getMessage());
    }

    @Test
    void rejectsLobKeys() {
        TableSchema blobKey = new TableSchema(
                "files",
                null,
                List.of(col("content", "bytea", null, null)),
                List.of("content"),
                List.of(),
                List.of(),
                "f",
                null,
                false);
        OutpostException e = assertThrows(
                OutpostException.class, () -> DerbyTypes.preflight(new SchemaInfo("fp", List.of(blobKey))));
        assertTrue(e.getMessage().contains("files.content: bytea cannot be part of a primary key"), e.getMessage());
    }

    private static ColumnKind kind(String type, Integer length, Integer precision, Integer scale) {
        return DerbyTypes.column(new ColumnSchema("c", type, length, precision, scale, true), false)
                .kind();
    }

    private static ColumnSchema col(String name, String type, Integer precision, Integer scale) {
        return new ColumnSchema(name, type, null, precision, scale, true);
    }

    private static TableSchema keyless(String name, ColumnSchema column) {
        return new TableSchema(name, null, List.of(column), List.of(), List.of(), List.of(), "f", null, false);
    }

    private static TableSchema table(String name, List<ColumnSchema> columns) {
        return new TableSchema(
                name, null, columns, List.of(columns.get(0).name()), List.of(), List.of(), "f", null, false);
    }
}
