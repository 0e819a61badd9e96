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
 * The rows of a table in another Derby database (the active replica) as a Derby table function, so
 * that {@link TableCopier} stores a kept table by one {@code INSERT ... SELECT}, which Derby runs in its
 * bulk mode into the empty table, instead of a JDBC batch per thousand rows. The function ({@link
 * #rows(String)}) finds the open rows by the key the copier passes. Values pass as they are stored;
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
     * Opens the rows of {@code source}, a query of {@code table}'s columns in its order (and the row
     * number of a keyless table last), under {@code key}; {@link Rows#close()} removes them.
     */
    static Rows open(String key, ResultSet source, ReplicaTable table) {
        Rows rows = new Rows(key, source, table.columns());
        OPEN.put(key, rows);
        return rows;
    }

    /** The source's rows as Derby asks for them, counted. */
    static final class Rows extends VTITemplate {
        private final String key;
        private final ResultSet source;
        private final List<ReplicaColumn> columns;
        private boolean lastWasNull;
        private long count;

        private Rows(String key, ResultSet source, List<ReplicaColumn> columns) {
            this.key = key;
            this.source = source;
            this.columns = columns;
        }

        /** Rows read so far. */
        long count() {
            return count;
        }

        @Override
        public boolean next() throws SQLException {
            if (!source.next()) {
                return false;
            }
            count++;
            return true;
        }

        /** The kind of column {@code column}; {@code null} for the row number of a keyless table. */
        private ColumnKind kind(int column) {
            return column <= columns.size() ? columns.get(column - 1).kind() : null;
        }

        private <T> T read(T value) throws SQLException {
            lastWasNull = source.wasNull();
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
                    ? DerbyTimestamps.text(source, column)
                    : source.getString(column);
            lastWasNull = value == null;
            return value;
        }

        @Override
        public Object getObject(int column) throws SQLException {
            ColumnKind kind = kind(column);
            if (kind == null) {
                return read(source.getObject(column));
            }
            return switch (kind) {
                case DATE, TIMESTAMP, TIMESTAMP_UTC, CLOB, VARCHAR, UUID -> getString(column);
                case BLOB -> getBytes(column);
                default -> read(source.getObject(column));
            };
        }

        @Override
        public long getLong(int column) throws SQLException {
            return read(source.getLong(column));
        }

        @Override
        public int getInt(int column) throws SQLException {
            return read(source.getInt(column));
        }

        @Override
        public short getShort(int column) throws SQLException {
            return read(source.getShort(column));
        }

        @Override
        public double getDouble(int column) throws SQLException {
            return read(source.getDouble(column));
        }

        @Override
        public float getFloat(int column) throws SQLException {
            return read(source.getFloat(column));
        }

        @Override
        public BigDecimal getBigDecimal(int column) throws SQLException {
            return read(source.getBigDecimal(column));
        }

        @Override
        public boolean getBoolean(int column) throws SQLException {
            return read(source.getBoolean(column));
        }

        @Override
        public byte[] getBytes(int column) throws SQLException {
            return read(source.getBytes(column));
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
            OPEN.remove(key, this);
        }
    }
}
