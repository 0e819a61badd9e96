package dev.outpost.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The change feed format ({@value MediaTypes#NDJSON}): committed changes in commit order, one per
 * line, written with {@link RowLines} (flat JSON arrays of strings), and the page's end marker whose
 * {@code next} is the position to ask from next time (never {@code null} in the feed: with no changes
 * it repeats the position asked from).
 *
 * <p>A change line is {@code [position, table, op, last, shape, values...]}:
 *
 * <ul>
 *   <li>{@code position}: a decimal whole number, increasing in commit order; ask with {@code after=} the
 *       last one applied. Clients compare positions (a table skips changes at or before the position
 *       its snapshot was taken at), so they are numbers, not opaque cursors.
 *   <li>{@code op} {@value #UPSERT}: {@code values} is the full row after the change, in schema column
 *       order (an insert, or an update; an update that changed the key arrives as a {@value #DELETE}
 *       of the old key followed by an upsert).
 *   <li>{@code op} {@value #DELETE}: {@code values} is the primary key of the removed row, in key
 *       order. Deleting a row the replica does not have is not an error.
 *   <li>{@code op} {@value #TRUNCATE}: no values; the table is emptied.
 *   <li>{@code last}: {@code "1"} on the last change of a server transaction, else {@code "0"}. A
 *       client applies each server transaction in one local transaction together with its position.
 *   <li>{@code shape}: the table's row shape when the change was made ({@link TableSchema#shape()}):
 *       a change whose shape differs from the replica's table was written under another table
 *       definition — an older one (its effect is already in a snapshot taken after the schema change)
 *       or a newer one (the replica must migrate first).
 * </ul>
 *
 * Values are PostgreSQL text forms as in table pages.
 *
 * <p>Asked without {@code after}, the feed answers no changes and an end marker whose {@code next} is
 * the newest position: a client takes it <em>before</em> reading a snapshot and then applies the changes
 * after it, so rows written during the snapshot are neither lost nor doubled (applying is idempotent).
 */
public final class ChangeLines {
    public static final String UPSERT = "U";
    public static final String DELETE = "D";
    public static final String TRUNCATE = "T";

    private ChangeLines() {}

    /** One change. */
    public record Change(String position, String table, String op, boolean last, String shape, String[] values) {
        private static final int HEADER = 5;

        /** The change as the fields of a row line. */
        public String[] fields() {
            String[] fields = new String[values.length + HEADER];
            fields[0] = position;
            fields[1] = table;
            fields[2] = op;
            fields[3] = last ? "1" : "0";
            fields[4] = shape;
            System.arraycopy(values, 0, fields, HEADER, values.length);
            return fields;
        }

        /** A change from the fields of a parsed row line. */
        public static Change of(String[] fields) {
            if (fields.length < HEADER || fields[0] == null || fields[1] == null || fields[2] == null) {
                throw new IllegalArgumentException("malformed change line: " + fields.length + " fields");
            }
            String op = fields[2];
            if (!op.equals(UPSERT) && !op.equals(DELETE) && !op.equals(TRUNCATE)) {
                throw new IllegalArgumentException("malformed change line: unknown op " + op);
            }
            return new Change(
                    fields[0],
                    fields[1],
                    op,
                    "1".equals(fields[3]),
                    fields[4],
                    Arrays.copyOfRange(fields, HEADER, fields.length));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Change c
                    && position.equals(c.position)
                    && table.equals(c.table)
                    && op.equals(c.op)
                    && last == c.last
                    && Objects.equals(shape, c.shape)
                    && Arrays.equals(values, c.values);
        }

        @Override
        public int hashCode() {
            return position.hashCode();
        }

        @Override
        public String toString() {
            return Arrays.toString(fields());
        }
    }
}
