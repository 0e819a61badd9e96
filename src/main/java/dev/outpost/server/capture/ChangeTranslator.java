package dev.outpost.server.capture;

import dev.outpost.protocol.ChangeLines;
import dev.outpost.server.catalog.SyncScope;
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
 * <p>Values are converted to the text form of table pages ({@code value::text}, {@link TextForms}),
 * keys included, so that a replica holds the same text whether a row came from a page or a change.
 * Every change carries its relation's {@link PgOutput.Relation#shape() row shape}.
 *
 * <p>A change's key is the table's primary key as the catalog has it, not the replica identity's
 * columns: under identity {@code FULL} {@code pgoutput} flags every column as part of the key. Under
 * that identity the whole old row of an update or delete is stored with the change too, for the row
 * filters of grants ({@code docs/security.md}).
 *
 * <p>An update that left a TOASTed value unchanged does not carry it; the value is read from the table
 * by key (so is an {@code xml} value, whose output differs from its text). It may then be newer than
 * the rest of the row, never older, and the later change that made it newer is delivered too, so
 * replicas converge.
 */
final class ChangeTranslator {
    /** Receives translated changes. */
    interface Sink {
        /**
         * @param oldValues the whole row before an update or delete (replica identity FULL), in the
         *     same text forms; {@code null} for an insert, an upsert under a new key, or when PostgreSQL
         *     sent only the old key
         */
        void add(String table, String op, String shape, String[] values, String[] oldValues) throws SQLException;
    }

    private static final String PRIMARY_KEY = "select array(select a.attname::text from pg_constraint con"
            + " join pg_attribute a on a.attrelid = con.conrelid and a.attnum = any(con.conkey)"
            + " where con.conrelid = cast(cast(? as bigint) as oid) and con.contype = 'p')";

    private static final String UNDEFINED_TABLE = "42P01";
    private static final String UNDEFINED_COLUMN = "42703";

    private final SyncScope scope;
    private final Supplier<Set<String>> tables;
    private final Connection reader;
    private final TextForms textForms;
    private final Map<Integer, PgOutput.Relation> relations = new HashMap<>();
    private final Map<Integer, String> shapes = new HashMap<>();
    private final Map<Integer, TextForms.Form[]> forms = new HashMap<>();
    private final Map<Integer, boolean[]> keys = new HashMap<>();

    /**
     * @param tables protocol names of the published tables (read on every relation message, so new tables
     *     are followed)
     * @param reader a connection (autocommit) for reading unchanged TOASTed values and the catalog
     */
    ChangeTranslator(SyncScope scope, Supplier<Set<String>> tables, Connection reader) {
        this.scope = scope;
        this.tables = tables;
        this.reader = reader;
        this.textForms = new TextForms(reader);
    }

    /** Remembers a relation; returns whether a synced table's row shape differs from what was known. */
    boolean relation(PgOutput.Relation relation) {
        PgOutput.Relation before = relations.put(relation.id(), relation);
        String shape = relation.shape();
        String beforeShape = shapes.put(relation.id(), shape);
        forms.remove(relation.id());
        keys.remove(relation.id());
        return before != null && synced(relation) && !shape.equals(beforeShape);
    }

    void translate(PgOutput.Message message, Sink sink) throws SQLException {
        if (message instanceof PgOutput.Insert insert) {
            upsert(insert.relation(), insert.row(), null, sink);
        } else if (message instanceof PgOutput.Update update) {
            PgOutput.Relation relation = relations.get(update.relation());
            String[] oldRow = null;
            if (update.oldKey() != null && synced(relation)) {
                String[] oldKey = key(relation, update.oldKey());
                oldRow = update.oldWhole() ? whole(relation, update.oldKey()) : null;
                if (!Arrays.equals(oldKey, key(relation, update.row()))) {
                    sink.add(name(relation), ChangeLines.DELETE, shapes.get(relation.id()), oldKey, oldRow);
                    oldRow = null; // the row under the new key is new
                }
            }
            upsert(update.relation(), update.row(), oldRow, sink);
        } else if (message instanceof PgOutput.Delete delete) {
            PgOutput.Relation relation = relations.get(delete.relation());
            if (synced(relation)) {
                sink.add(
                        name(relation),
                        ChangeLines.DELETE,
                        shapes.get(relation.id()),
                        key(relation, delete.oldKey()),
                        delete.oldWhole() ? whole(relation, delete.oldKey()) : null);
            }
        } else if (message instanceof PgOutput.Truncate truncate) {
            for (int id : truncate.relations()) {
                PgOutput.Relation relation = relations.get(id);
                if (synced(relation)) {
                    sink.add(name(relation), ChangeLines.TRUNCATE, shapes.get(id), new String[0], null);
                }
            }
        }
    }

    private void upsert(int relationId, PgOutput.Tuple row, String[] oldRow, Sink sink) throws SQLException {
        PgOutput.Relation relation = relations.get(relationId);
        if (!synced(relation)) {
            return;
        }
        TextForms.Form[] columnForms = forms(relation);
        String[] values = new String[row.values().length];
        boolean[] reread = row.unchanged().clone();
        boolean complete = true;
        for (int i = 0; i < values.length; i++) {
            reread[i] |= columnForms[i].reread();
            complete &= !reread[i];
            values[i] = reread[i] ? null : columnForms[i].apply(row.values()[i]);
        }
        if (!complete) {
            reread(relation, values, reread);
        }
        sink.add(name(relation), ChangeLines.UPSERT, shapes.get(relation.id()), values, oldRow);
    }

    /** A whole old row in text form; {@code null} when a value is missing from it (then it is unknown). */
    private String[] whole(PgOutput.Relation relation, PgOutput.Tuple tuple) throws SQLException {
        TextForms.Form[] columnForms = forms(relation);
        String[] values = new String[tuple.values().length];
        for (int i = 0; i < values.length; i++) {
            if (tuple.unchanged()[i]) {
                return null;
            }
            values[i] = columnForms[i].apply(tuple.values()[i]);
        }
        return values;
    }

    /** Which of the relation's columns form the table's primary key (the catalog's, read once per relation). */
    private boolean[] keyColumns(PgOutput.Relation relation) throws SQLException {
        boolean[] key = keys.get(relation.id());
        if (key == null) {
            List<String> primaryKey = List.of();
            try (PreparedStatement ps = reader.prepareStatement(PRIMARY_KEY)) {
                ps.setLong(1, relation.id() & 0xffffffffL);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        primaryKey = Arrays.asList((String[]) rs.getArray(1).getArray());
                    }
                }
            }
            key = new boolean[relation.columns().size()];
            for (int i = 0; i < key.length; i++) {
                // a table without a primary key is not published; its identity columns are all there is
                key[i] = primaryKey.isEmpty()
                        ? relation.key().get(i)
                        : primaryKey.contains(relation.columns().get(i));
            }
            keys.put(relation.id(), key);
        }
        return key;
    }

    private TextForms.Form[] forms(PgOutput.Relation relation) throws SQLException {
        TextForms.Form[] columnForms = forms.get(relation.id());
        if (columnForms == null) {
            columnForms = new TextForms.Form[relation.columns().size()];
            for (int i = 0; i < columnForms.length; i++) {
                columnForms[i] = textForms.of(relation.typeOids().get(i));
            }
            forms.put(relation.id(), columnForms);
        }
        return columnForms;
    }

    private boolean synced(PgOutput.Relation relation) {
        return relation != null
                && scope.includes(relation.namespace(), relation.name())
                && tables.get().contains(name(relation));
    }

    /** The table's name in the protocol. */
    private String name(PgOutput.Relation relation) {
        return scope.name(relation.namespace(), relation.name());
    }

    /** The key values of a tuple, in {@code ::text} form. */
    private String[] key(PgOutput.Relation relation, PgOutput.Tuple tuple) throws SQLException {
        TextForms.Form[] columnForms = forms(relation);
        boolean[] keyColumns = keyColumns(relation);
        List<String> key = new ArrayList<>();
        for (int i = 0; i < relation.columns().size(); i++) {
            if (keyColumns[i]) {
                key.add(columnForms[i].apply(tuple.values()[i]));
            }
        }
        return key.toArray(String[]::new);
    }

    /**
     * Reads the values marked {@code reread} from the table by key; the key values in {@code values}
     * are in {@code ::text} form already. A row deleted meanwhile (or a column dropped meanwhile) leaves
     * them {@code null}: the later change is delivered too.
     */
    private void reread(PgOutput.Relation relation, String[] values, boolean[] reread) throws SQLException {
        StringBuilder sql = new StringBuilder("select ");
        List<String> where = new ArrayList<>();
        List<String> keyValues = new ArrayList<>();
        boolean[] keyColumns = keyColumns(relation);
        for (int i = 0; i < values.length; i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append(quote(relation.columns().get(i)))
                    .append("::text");
            if (keyColumns[i]) {
                where.add(quote(relation.columns().get(i)) + "::text = ?");
                keyValues.add(values[i]);
            }
        }
        sql.append(" from ").append(quote(relation.namespace())).append('.').append(quote(relation.name()));
        sql.append(" where ").append(String.join(" and ", where));
        try (PreparedStatement ps = reader.prepareStatement(sql.toString())) {
            for (int i = 0; i < keyValues.size(); i++) {
                ps.setString(i + 1, keyValues.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                boolean found = rs.next();
                for (int i = 0; i < values.length; i++) {
                    if (reread[i]) {
                        values[i] = found ? rs.getString(i + 1) : null;
                    }
                }
            }
        } catch (SQLException e) {
            if (!UNDEFINED_TABLE.equals(e.getSQLState()) && !UNDEFINED_COLUMN.equals(e.getSQLState())) {
                throw e;
            }
            // the table or a column is gone since: that later schema change is a new epoch and row shape
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
