package dev.outpost.client.internal.load;

import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.protocol.RowLines;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import javax.sql.rowset.serial.SerialBlob;
import org.apache.derby.vti.VTITemplate;

/**
 * One page of rows as a Derby table function, so that a page is stored by one {@code INSERT ...
 * SELECT ... FROM TABLE(fn(key))} statement instead of a JDBC batch per thousand rows: Derby pulls
 * each row as it inserts it, without a parameter set per row, while {@link ReadAhead} reads and
 * converts the rows after it on another thread. The table function ({@link #rows(String)}) finds the
 * open page by the key {@link TableLoader} passes.
 *
 * <p>Values arrive converted ({@link PgText}); dates and timestamps are handed to Derby as its own
 * text form and parsed by the statement (never through {@code java.sql.Timestamp} and a time zone). A
 * failure (a truncated or malformed page, a value Derby cannot hold, a broken connection) is kept as
 * the {@link OutpostException} to report and surfaces in Derby as an {@link SQLException}.
 */
public final class PageFunction {
    private static final Map<String, Page> OPEN = new ConcurrentHashMap<>();

    private PageFunction() {}

    /** The table function's entry point, named in its {@code EXTERNAL NAME}. */
    public static ResultSet rows(String key) throws SQLException {
        Page page = OPEN.get(key);
        if (page == null) {
            throw new SQLException("Outpost: no page is open under " + key);
        }
        return page;
    }

    /** The type a column has in the table function's result: Derby's text form for dates and times. */
    static String functionType(ReplicaColumn c) {
        return switch (c.kind()) {
            case BIGINT -> "BIGINT";
            case INTEGER -> "INTEGER";
            case SMALLINT -> "SMALLINT";
            case DECIMAL -> "DECIMAL(" + c.precision() + ", " + c.scale() + ")";
            case DOUBLE -> "DOUBLE";
            case REAL -> "REAL";
            case BOOLEAN -> "BOOLEAN";
            case VARCHAR -> "VARCHAR(" + c.length() + ")";
            case UUID -> "CHAR(36)";
            case CLOB -> "CLOB";
            case BLOB -> "BLOB";
            case DATE, TIMESTAMP, TIMESTAMP_UTC -> "VARCHAR(32)";
        };
    }

    /**
     * The select expression storing function column {@code name} into a column of this kind. Dates
     * and timestamps go through Derby's {@code DATE} and {@code TIMESTAMP} functions, which parse the
     * text into its fields. Not through {@code CAST}: Derby casts text to a timestamp by way of a
     * {@code java.sql.Timestamp} in the JVM's time zone, which moves a time inside a daylight-saving
     * gap of that zone (02:30 on the day Berlin skips from 02:00 to 03:00 would be stored as 03:30),
     * and the calendar it builds per value was a tenth of the loading thread.
     */
    static String selectExpression(ColumnKind kind, String name) {
        return switch (kind) {
            case DATE -> "DATE(" + name + ")";
            case TIMESTAMP, TIMESTAMP_UTC -> "TIMESTAMP(" + name + ")";
            default -> name;
        };
    }

    /**
     * Opens a page under {@code key}, its rows read by {@code ahead}; {@link Page#close()} removes it
     * and closes {@code ahead}.
     *
     * @param rowsBefore rows of the table stored before this page
     * @param eachRow told the table's row count after each row taken
     */
    static Page open(String key, ReadAhead ahead, long rowsBefore, LongConsumer eachRow) {
        Page page = new Page(key, ahead, rowsBefore, eachRow);
        OPEN.put(key, page);
        return page;
    }

    /**
     * The rows of one page (or of it and the pages after it), as Derby asks for them; read and
     * converted ahead ({@link ReadAhead}).
     */
    static final class Page extends VTITemplate {
        private final String key;
        private final ReadAhead ahead;
        private final long rowsBefore;
        private final LongConsumer eachRow;
        private Object[] values;
        private long pageRows;
        private boolean lastWasNull;
        private RowLines.End end;
        private OutpostException failure;

        private Page(String key, ReadAhead ahead, long rowsBefore, LongConsumer eachRow) {
            this.key = key;
            this.ahead = ahead;
            this.rowsBefore = rowsBefore;
            this.eachRow = eachRow;
        }

        /** The (last) page's end marker, once it was read to it and its count matched. */
        RowLines.End end() {
            return end;
        }

        /** Rows read so far, over all its pages. */
        long rows() {
            return pageRows;
        }

        /** Why reading failed, if it did. */
        OutpostException failure() {
            return failure;
        }

        @Override
        public boolean next() throws SQLException {
            if (end != null || failure != null) {
                return false;
            }
            try {
                Object[] row = ahead.next();
                if (row == null) {
                    end = ahead.end();
                    return false;
                }
                values = row;
                pageRows++;
                eachRow.accept(rowsBefore + pageRows);
                return true;
            } catch (OutpostException e) {
                failure = e;
                throw new SQLException(e.getMessage(), "38000", e);
            }
        }

        private Object value(int column) {
            Object value = values[column - 1];
            lastWasNull = value == null;
            return value;
        }

        @Override
        public boolean wasNull() {
            return lastWasNull;
        }

        @Override
        public Object getObject(int column) {
            return value(column);
        }

        @Override
        public String getString(int column) {
            Object value = value(column);
            return value == null ? null : value.toString();
        }

        @Override
        public long getLong(int column) {
            Object value = value(column);
            return value == null ? 0 : ((Number) value).longValue();
        }

        @Override
        public int getInt(int column) {
            Object value = value(column);
            return value == null ? 0 : ((Number) value).intValue();
        }

        @Override
        public short getShort(int column) {
            Object value = value(column);
            return value == null ? 0 : ((Number) value).shortValue();
        }

        @Override
        public double getDouble(int column) {
            Object value = value(column);
            return value == null ? 0 : ((Number) value).doubleValue();
        }

        @Override
        public float getFloat(int column) {
            Object value = value(column);
            return value == null ? 0 : ((Number) value).floatValue();
        }

        @Override
        public BigDecimal getBigDecimal(int column) {
            return (BigDecimal) value(column);
        }

        @Override
        public boolean getBoolean(int column) {
            Object value = value(column);
            return value != null && (Boolean) value;
        }

        @Override
        public byte[] getBytes(int column) {
            return (byte[]) value(column);
        }

        @Override
        public InputStream getBinaryStream(int column) {
            byte[] value = (byte[]) value(column);
            return value == null ? null : new ByteArrayInputStream(value);
        }

        @Override
        public Blob getBlob(int column) throws SQLException {
            byte[] value = (byte[]) value(column);
            return value == null ? null : new SerialBlob(value);
        }

        @Override
        public void close() {
            OPEN.remove(key, this);
            ahead.close();
        }
    }
}
