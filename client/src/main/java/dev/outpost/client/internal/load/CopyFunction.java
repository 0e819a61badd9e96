package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.rowset.serial.SerialBlob;
import org.apache.derby.vti.VTITemplate;

/**
 * Rows read from other Derby databases (the active replica, a staging table) as a Derby table
 * function, so that {@link TableCopier} stores a kept table, or a table whose held and new columns are
 * joined, by one {@code INSERT ... SELECT}, which Derby runs in its bulk mode into the empty table,
 * instead of a JDBC batch per thousand rows. The function ({@link #rows(String)}) finds the rows by
 * the key the insert passes ({@link TableCopier#insert}). Values pass as they are stored;
 * dates and timestamps as Derby's text ({@link DerbyTimestamps}), never through a {@code
 * java.sql.Timestamp} in the JVM's time zone.
 */
public final class CopyFunction {
    private static final Map<String, Rows> OPEN = new ConcurrentHashMap<>();

    private CopyFunction() {}

    /** The table function's entry point, named in its {@code EXTERNAL NAME}. */
    public static ResultSet rows(String key) throws SQLException {
        Rows rows = OPEN.get(key);
        if (rows == null) {
            throw new SQLException("Outpost: no copy is open under " + key);
        }
        return rows;
    }

    /**
     * The rows of {@code source}, a query of {@code table}'s columns in its order (and the row number
     * of a keyless table last).
     */
    static Rows open(ResultSet source, ReplicaTable table) {
        int width = table.columns().size() + (table.hasRowNumber() ? 1 : 0);
        ResultSet[] sources = new ResultSet[width];
        int[] positions = new int[width];
        for (int i = 0; i < width; i++) {
            sources[i] = source;
            positions[i] = i + 1;
        }
        return open(source::next, table.columns(), sources, positions);
    }

    /**
     * Rows taken from several reads: {@code cursor} moves every read to the next row, and column
     * {@code i} (1-based) of {@code columns} (and of a row number after them) is column {@code
     * positions[i - 1]} of {@code sources[i - 1]}.
     */
    public static Rows open(RowCursor cursor, List<ReplicaColumn> columns, ResultSet[] sources, int[] positions) {
        return new Rows(cursor, columns, sources.clone(), positions.clone());
    }

    /** Makes {@code rows} what the table function answers for {@code key}. */
    static void register(String key, Rows rows) {
        OPEN.put(key, rows);
    }

    /** Forgets what {@link #register} made the function answer for {@code key}. */
    static void unregister(String key) {
        OPEN.remove(key);
    }

    /** Moves the reads a table function takes its rows from to their next row. */
    @FunctionalInterface
    public interface RowCursor {
        /** Returns whether there is a next row. */
        boolean next() throws SQLException;
    }

    /** The reads' rows as Derby asks for them, counted. */
    public static final class Rows extends VTITemplate {
        private final RowCursor cursor;
        private final List<ReplicaColumn> columns;
        private final ResultSet[] sources;
        private final int[] positions;
        private ResultSet lastRead;
        private boolean lastWasNull;
        private long count;

        private Rows(RowCursor cursor, List<ReplicaColumn> columns, ResultSet[] sources, int[] positions) {
            this.cursor = cursor;
            this.columns = columns;
            this.sources = sources;
            this.positions = positions;
        }

        /** Rows read so far. */
        public long count() {
            return count;
        }

        @Override
        public boolean next() throws SQLException {
            if (!cursor.next()) {
                return false;
            }
            count++;
            return true;
        }

        /** The kind of column {@code column}; {@code null} for the row number of a keyless table. */
        private ColumnKind kind(int column) {
            return column <= columns.size() ? columns.get(column - 1).kind() : null;
        }

        /** The read column {@code column} comes from, remembered for {@link #wasNull()}. */
        private ResultSet source(int column) {
            lastRead = sources[column - 1];
            return lastRead;
        }

        private <T> T read(T value) throws SQLException {
            lastWasNull = lastRead.wasNull();
            return value;
        }

        @Override
        public boolean wasNull() {
            return lastWasNull;
        }

        @Override
        public String getString(int column) throws SQLException {
            ColumnKind kind = kind(column);
            String value = kind == ColumnKind.TIMESTAMP || kind == ColumnKind.TIMESTAMP_UTC
                    ? DerbyTimestamps.text(source(column), positions[column - 1])
                    : source(column).getString(positions[column - 1]);
            lastWasNull = value == null;
            return value;
        }

        @Override
        public Object getObject(int column) throws SQLException {
            ColumnKind kind = kind(column);
            if (kind == null) {
                return read(source(column).getObject(positions[column - 1]));
            }
            return switch (kind) {
                case DATE, TIMESTAMP, TIMESTAMP_UTC, CLOB, VARCHAR, UUID -> getString(column);
                case BLOB -> getBytes(column);
                default -> read(source(column).getObject(positions[column - 1]));
            };
        }

        @Override
        public long getLong(int column) throws SQLException {
            return read(source(column).getLong(positions[column - 1]));
        }

        @Override
        public int getInt(int column) throws SQLException {
            return read(source(column).getInt(positions[column - 1]));
        }

        @Override
        public short getShort(int column) throws SQLException {
            return read(source(column).getShort(positions[column - 1]));
        }

        @Override
        public double getDouble(int column) throws SQLException {
            return read(source(column).getDouble(positions[column - 1]));
        }

        @Override
        public float getFloat(int column) throws SQLException {
            return read(source(column).getFloat(positions[column - 1]));
        }

        @Override
        public BigDecimal getBigDecimal(int column) throws SQLException {
            return read(source(column).getBigDecimal(positions[column - 1]));
        }

        @Override
        public boolean getBoolean(int column) throws SQLException {
            return read(source(column).getBoolean(positions[column - 1]));
        }

        @Override
        public byte[] getBytes(int column) throws SQLException {
            return read(source(column).getBytes(positions[column - 1]));
        }

        @Override
        public InputStream getBinaryStream(int column) throws SQLException {
            byte[] value = getBytes(column);
            return value == null ? null : new ByteArrayInputStream(value);
        }

        @Override
        public Blob getBlob(int column) throws SQLException {
            byte[] value = getBytes(column);
            return value == null ? null : new SerialBlob(value);
        }

        @Override
        public void close() {
            // the reads are closed by whoever opened them
        }
    }
}
