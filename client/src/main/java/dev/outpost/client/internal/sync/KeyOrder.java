package dev.outpost.client.internal.sync;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The primary keys of a result set read in key order, for {@link AddedColumns}' merge join: each key
 * is compared with the one before as the join compares keys (column by column, by their Java values),
 * so that a key Derby ordered otherwise (or one that cannot be compared) is noticed rather than
 * silently unmatched.
 */
final class KeyOrder {
    private final ResultSet rows;
    private final int[] positions;
    private Object[] key;
    private boolean outOfOrder;

    /** @param positions the 1-based positions of the key's columns in {@code rows} */
    KeyOrder(ResultSet rows, int[] positions) {
        this.rows = rows;
        this.positions = positions.clone();
    }

    /** Moves to the next row; returns whether there is one. */
    boolean next() throws SQLException {
        if (!rows.next()) {
            return false;
        }
        Object[] next = new Object[positions.length];
        for (int i = 0; i < positions.length; i++) {
            next[i] = rows.getObject(positions[i]);
            if (!(next[i] instanceof Comparable<?>)) {
                outOfOrder = true;
                return true;
            }
        }
        if (key != null && compare(key, next) >= 0) {
            outOfOrder = true; // keys are unique: each must come after the one before
        }
        key = next;
        return true;
    }

    /** The current row's key. */
    Object[] key() {
        return key;
    }

    /** Whether a key came out of the join's order (the join must not go on). */
    boolean outOfOrder() {
        return outOfOrder;
    }

    /** Compares two keys of the same columns, column by column. */
    @SuppressWarnings("unchecked")
    static int compare(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) {
            int comparison = ((Comparable<Object>) a[i]).compareTo(b[i]);
            if (comparison != 0) {
                return comparison;
            }
        }
        return 0;
    }
}
