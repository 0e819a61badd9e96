package dev.outpost.server.capture;

import dev.outpost.server.catalog.RowShape;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the messages of PostgreSQL's {@code pgoutput} plugin, protocol version 1 (text values), as
 * documented in "Logical Replication Message Formats". Messages Outpost does not need (origin, type,
 * logical messages) decode to {@link Ignored}.
 */
final class PgOutput {
    private PgOutput() {}

    /** A decoded message. */
    sealed interface Message permits Begin, Commit, Relation, Insert, Update, Delete, Truncate, Ignored {}

    record Begin(long finalLsn, int xid) implements Message {}

    record Commit(long commitLsn, long endLsn) implements Message {}

    /**
     * A relation's description; sent before the first change to it and again after it changed. {@code
     * columns} are the columns the change rows carry (PostgreSQL 17: neither dropped nor generated),
     * with their type oids and type modifiers.
     */
    record Relation(
            int id,
            String namespace,
            String name,
            List<String> columns,
            List<Boolean> key,
            List<Long> typeOids,
            List<Integer> typeModifiers)
            implements Message {
        /** The row shape of this relation's changes ({@link RowShape}). */
        String shape() {
            List<RowShape.Column> shape = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                shape.add(new RowShape.Column(columns.get(i), typeOids.get(i), typeModifiers.get(i)));
            }
            return RowShape.of(shape);
        }
    }

    /**
     * Column values of a row in relation column order; {@code null} for SQL NULL; {@code unchanged[i]}
     * for a TOASTed value the update did not change (and pgoutput does not repeat).
     */
    record Tuple(String[] values, boolean[] unchanged) {}

    record Insert(int relation, Tuple row) implements Message {}

    /**
     * {@code oldKey} is present only when the update changed the key (or the identity is FULL); {@code
     * oldWhole} says it is the whole old row (replica identity FULL), not only its identity columns.
     */
    record Update(int relation, Tuple oldKey, boolean oldWhole, Tuple row) implements Message {}

    /** {@code oldWhole}: {@code oldKey} is the whole old row (replica identity FULL). */
    record Delete(int relation, Tuple oldKey, boolean oldWhole) implements Message {}

    record Truncate(List<Integer> relations) implements Message {}

    record Ignored(char type) implements Message {}

    static Message decode(ByteBuffer buffer) {
        char type = (char) buffer.get();
        return switch (type) {
            case 'B' -> {
                long finalLsn = buffer.getLong();
                buffer.getLong(); // commit timestamp
                yield new Begin(finalLsn, buffer.getInt());
            }
            case 'C' -> {
                buffer.get(); // flags
                long commitLsn = buffer.getLong();
                long endLsn = buffer.getLong();
                yield new Commit(commitLsn, endLsn);
            }
            case 'R' -> relation(buffer);
            case 'I' -> {
                int relation = buffer.getInt();
                expect(buffer, 'N');
                yield new Insert(relation, tuple(buffer));
            }
            case 'U' -> {
                int relation = buffer.getInt();
                char kind = (char) buffer.get();
                Tuple old = null;
                boolean whole = kind == 'O';
                if (kind == 'K' || kind == 'O') {
                    old = tuple(buffer);
                    kind = (char) buffer.get();
                }
                if (kind != 'N') {
                    throw new IllegalStateException("pgoutput update without a new tuple: " + kind);
                }
                yield new Update(relation, old, whole, tuple(buffer));
            }
            case 'D' -> {
                int relation = buffer.getInt();
                boolean whole = buffer.get() == 'O'; // or 'K'
                yield new Delete(relation, tuple(buffer), whole);
            }
            case 'T' -> {
                int count = buffer.getInt();
                buffer.get(); // options
                List<Integer> relations = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    relations.add(buffer.getInt());
                }
                yield new Truncate(relations);
            }
            default -> new Ignored(type);
        };
    }

    private static Relation relation(ByteBuffer buffer) {
        int id = buffer.getInt();
        String namespace = string(buffer);
        String name = string(buffer);
        buffer.get(); // replica identity setting
        int count = buffer.getShort();
        List<String> columns = new ArrayList<>(count);
        List<Boolean> key = new ArrayList<>(count);
        List<Long> typeOids = new ArrayList<>(count);
        List<Integer> typeModifiers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            key.add((buffer.get() & 1) != 0);
            columns.add(string(buffer));
            typeOids.add(Integer.toUnsignedLong(buffer.getInt()));
            typeModifiers.add(buffer.getInt());
        }
        return new Relation(
                id,
                namespace,
                name,
                List.copyOf(columns),
                List.copyOf(key),
                List.copyOf(typeOids),
                List.copyOf(typeModifiers));
    }

    private static Tuple tuple(ByteBuffer buffer) {
        int count = buffer.getShort();
        String[] values = new String[count];
        boolean[] unchanged = new boolean[count];
        for (int i = 0; i < count; i++) {
            char kind = (char) buffer.get();
            switch (kind) {
                case 'n' -> values[i] = null;
                case 'u' -> unchanged[i] = true;
                case 't' -> {
                    byte[] bytes = new byte[buffer.getInt()];
                    buffer.get(bytes);
                    values[i] = new String(bytes, StandardCharsets.UTF_8);
                }
                default -> throw new IllegalStateException("pgoutput tuple value of kind " + kind);
            }
        }
        return new Tuple(values, unchanged);
    }

    private static String string(ByteBuffer buffer) {
        int start = buffer.position();
        int end = start;
        while (buffer.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buffer.get(bytes);
        buffer.get(); // the terminating zero
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void expect(ByteBuffer buffer, char kind) {
        char actual = (char) buffer.get();
        if (actual != kind) {
            throw new IllegalStateException("pgoutput: expected " + kind + " but got " + actual);
        }
    }
}
