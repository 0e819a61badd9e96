package dev.outpost.server.capture;

import dev.outpost.protocol.ChangeLines;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns decoded {@code pgoutput} row messages of the synced tables into Outpost changes: an insert or
 * update becomes an upsert of the full row, an update that changed the key becomes a delete of the old
 * key and an upsert, a delete carries the key.
 *
 * <p>An update that left a TOASTed value unchanged does not carry it; the value is read from the table
 * by key. It may then be newer than the rest of the row, never older, and the later change that made
 * it newer is delivered too, so replicas converge.
 */
final class ChangeTranslator {
    /** Receives translated changes. */
    interface Sink {
        void add(String table, String op, String[] values) throws SQLException;
    }

    private final String schema;
    private final Supplier<Set<String>> tables;
    private final Connection reader;
    private final Map<Integer, PgOutput.Relation> relations = new HashMap<>();

    /**
     * @param tables the synced tables (read on every relation message, so new tables are followed)
     * @param reader a connection for reading unchanged TOASTed values
     */
    ChangeTranslator(String schema, Supplier<Set<String>> tables, Connection reader) {
        this.schema = schema;
        this.tables = tables;
        this.reader = reader;
    }

    /** Remembers a relation; returns whether a synced table's columns differ from what was known. */
    boolean relation(PgOutput.Relation relation) {
        PgOutput.Relation before = relations.put(relation.id(), relation);
        return before != null && synced(relation) && !before.columns().equals(relation.columns());
    }

    void translate(PgOutput.Message message, Sink sink) throws SQLException {
        if (message instanceof PgOutput.Insert insert) {
            upsert(insert.relation(), insert.row(), sink);
        } else if (message instanceof PgOutput.Update update) {
            PgOutput.Relation relation = relations.get(update.relation());
            if (update.oldKey() != null && synced(relation)) {
                String[] oldKey = key(relation, update.oldKey());
                if (!Arrays.equals(oldKey, key(relation, update.row()))) {
                    sink.add(relation.name(), ChangeLines.DELETE, oldKey);
                }
            }
            upsert(update.relation(), update.row(), sink);
        } else if (message instanceof PgOutput.Delete delete) {
            PgOutput.Relation relation = relations.get(delete.relation());
            if (synced(relation)) {
                sink.add(relation.name(), ChangeLines.DELETE, key(relation, delete.oldKey()));
            }
        } else if (message instanceof PgOutput.Truncate truncate) {
            for (int id : truncate.relations()) {
                PgOutput.Relation relation = relations.get(id);
                if (synced(relation)) {
                    sink.add(relation.name(), ChangeLines.TRUNCATE, new String[0]);
                }
            }
        }
    }

    private void upsert(int relationId, PgOutput.Tuple row, Sink sink) throws SQLException {
        PgOutput.Relation relation = relations.get(relationId);
        if (!synced(relation)) {
            return;
        }
        String[] values = row.complete() ? row.values() : withToasted(relation, row);
        sink.add(relation.name(), ChangeLines.UPSERT, values);
    }

    private boolean synced(PgOutput.Relation relation) {
        return relation != null
                && relation.namespace().equals(schema)
                && tables.get().contains(relation.name());
    }

    private static String[] key(PgOutput.Relation relation, PgOutput.Tuple tuple) {
        List<String> key = new ArrayList<>();
        for (int i = 0; i < relation.columns().size(); i++) {
            if (relation.key().get(i)) {
                key.add(tuple.values()[i]);
            }
        }
        return key.toArray(String[]::new);
    }

    private String[] withToasted(PgOutput.Relation relation, PgOutput.Tuple row) throws SQLException {
        String[] values = row.values().clone();
        StringBuilder sql = new StringBuilder("select ");
        List<String> where = new ArrayList<>();
        List<String> keyValues = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(quote(relation.columns().get(i)))
                    .append("::text");
            if (relation.key().get(i)) {
                where.add(quote(relation.columns().get(i)) + "::text = ?");
                keyValues.add(values[i]);
            }
        }
        sql.append(" from ").append(quote(schema)).append('.').append(quote(relation.name()));
        sql.append(" where ").append(String.join(" and ", where));
        try (PreparedStatement ps = reader.prepareStatement(sql.toString())) {
            for (int i = 0; i < keyValues.size(); i++) {
                ps.setString(i + 1, keyValues.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                boolean found = rs.next();
                for (int i = 0; i < values.length; i++) {
                    if (row.unchanged()[i]) {
                        values[i] = found ? rs.getString(i + 1) : null;
                    }
                }
            }
        }
        return values;
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
