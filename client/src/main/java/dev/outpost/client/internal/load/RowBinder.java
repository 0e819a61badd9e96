package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.ReplicaColumn;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Binds values in PostgreSQL text form to statement parameters, column by column ({@link PgText},
 * then {@link DerbyBinder}). A value Derby cannot hold is bound as NULL and told to the caller's
 * {@link Refused} sink (which quarantines it); without a sink, or in a key column, it is {@link
 * ErrorCode#SCHEMA_UNSUPPORTED}. A malformed value is {@link ErrorCode#PROTOCOL_ERROR}. Both errors
 * name the table and column.
 */
public final class RowBinder {
    private final String table;
    private final DerbyBinder binder = new DerbyBinder();

    /** A binder for the values of {@code table} (named in errors). */
    public RowBinder(String table) {
        this.table = table;
    }

    /**
     * The placeholder for a value of {@code column} in a statement whose parameters may be batched. A
     * timestamp is bound as text and parsed by Derby's {@code TIMESTAMP} function: Derby converts a
     * timestamp parameter of a JDBC batch through the JVM's time zone, however it was set, which moves
     * a time inside a daylight-saving gap of that zone by an hour ({@link DerbyTimestamps}).
     */
    public static String parameter(ReplicaColumn column) {
        return switch (column.kind()) {
            case TIMESTAMP, TIMESTAMP_UTC -> "TIMESTAMP(CAST(? AS VARCHAR(32)))";
            default -> "?";
        };
    }

    /** Told each value Derby cannot hold, which was bound as NULL. */
    @FunctionalInterface
    public interface Refused {
        /** {@code text}, the exact PostgreSQL text of a value of {@code column}, was bound as NULL. */
        void value(ReplicaColumn column, String text) throws SQLException;
    }

    /**
     * Binds {@code values[i]} as {@code columns.get(i)} to parameter {@code first + i}; a value Derby
     * cannot hold is {@link ErrorCode#SCHEMA_UNSUPPORTED} (key columns are bound this way).
     *
     * @throws OutpostException {@link ErrorCode#PROTOCOL_ERROR} when the counts differ
     */
    public void bind(PreparedStatement ps, int first, List<ReplicaColumn> columns, String[] values)
            throws SQLException {
        bind(ps, first, columns, values, null);
    }

    /**
     * Binds {@code values[i]} as {@code columns.get(i)} to parameter {@code first + i}; a value Derby
     * cannot hold is bound as NULL and told to {@code refused}.
     *
     * @throws OutpostException {@link ErrorCode#PROTOCOL_ERROR} when the counts differ
     */
    public void bind(PreparedStatement ps, int first, List<ReplicaColumn> columns, String[] values, Refused refused)
            throws SQLException {
        if (values.length != columns.size()) {
            throw new OutpostException(
                    ErrorCode.PROTOCOL_ERROR,
                    "Table " + table + ": " + values.length + " values arrived for " + columns.size() + " columns");
        }
        for (int i = 0; i < values.length; i++) {
            ReplicaColumn column = columns.get(i);
            Object value;
            try {
                value = PgText.parse(column.kind(), values[i]);
            } catch (PgText.Unrepresentable e) {
                if (refused != null) {
                    ps.setNull(first + i, column.kind().jdbcType());
                    refused.value(column, values[i]);
                    continue;
                }
                throw new OutpostException(
                        ErrorCode.SCHEMA_UNSUPPORTED,
                        "Table " + table + ": column " + column.name() + " holds " + e.getMessage()
                                + "; nothing was changed");
            } catch (IllegalArgumentException e) {
                throw new OutpostException(
                        ErrorCode.PROTOCOL_ERROR, "Table " + table + ": " + column.name() + " is " + e.getMessage());
            }
            binder.bind(ps, first + i, column.kind(), value);
        }
    }
}
