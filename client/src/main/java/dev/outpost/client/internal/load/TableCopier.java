package dev.outpost.client.internal.load;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies an unchanged table from the active replica database into a shadow database, locally and
 * without the network. The caller commits (a copy is all or nothing: with its progress, in the same
 * transaction).
 */
public final class TableCopier {
    private TableCopier() {}

    /**
     * Rows from which a table is copied by a table function: below, creating and dropping the function
     * costs more than the batches it saves.
     */
    static final long FUNCTION_ROWS = 10_000;

    /**
     * Copies every row of {@code table} from {@code from} into the same, empty table of {@code to},
     * with the replica's row numbers of a table without a primary key. A table expected to hold {@link
     * #FUNCTION_ROWS} rows or more is copied by one {@code INSERT ... SELECT} from a table function
     * reading {@code from} ({@link CopyFunction}): Derby stores the rows in its bulk mode and builds the
     * keys by sorting, at the end. A smaller one by JDBC batches.
     *
     * @param expectedRows the rows the table held when last counted (only chooses the way)
     * @return rows copied
     */
    public static long copy(Connection from, Connection to, ReplicaTable table, long expectedRows) {
        List<String> names = new ArrayList<>();
        for (ReplicaColumn column : table.columns()) {
            names.add(Identifiers.sql(column.name()));
        }
        if (table.hasRowNumber()) {
            // the replica's own key of a keyless table: kept as it was, so that rows keep their identity
            names.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
        }
        String select = "select " + String.join(", ", names) + " from " + table.sqlName();
        try (Statement st = from.createStatement();
                ResultSet rs = st.executeQuery(select)) {
            return expectedRows >= FUNCTION_ROWS ? byFunction(rs, to, table) : byBatches(rs, to, table, names);
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot copy table " + table.name() + ": " + e.getMessage(), e);
        }
    }

    private static long byFunction(ResultSet rs, Connection to, ReplicaTable table) throws SQLException {
        return insert(to, table, CopyFunction.open(rs, table));
    }

    /**
     * Inserts into {@code into}, an empty table, the rows of {@code rows} (in the order of {@code
     * into}'s columns) by one {@code INSERT ... SELECT} from a table function, which Derby runs in its
     * bulk mode, in {@code to}'s open transaction.
     *
     * @param into the table, or a view of it with the columns {@code rows} has, in their order
     * @return rows inserted
     * @throws OutpostException {@link ErrorCode#REPLICA_ERROR} when fewer rows were stored than read
     */
    public static long insert(Connection to, ReplicaTable into, CopyFunction.Rows rows) throws SQLException {
        try (RowFunction function = RowFunction.inTransaction(to, into, CopyFunction.class.getName() + ".rows");
                PreparedStatement insert = function.prepareInsert()) {
            CopyFunction.register(function.name(), rows);
            try {
                insert.setString(1, function.name());
                long inserted = insert.executeLargeUpdate();
                if (inserted != rows.count()) {
                    throw new OutpostException(
                            ErrorCode.REPLICA_ERROR,
                            "Cannot copy into " + into.name() + ": " + inserted + " rows stored of " + rows.count()
                                    + " read");
                }
                return inserted;
            } finally {
                CopyFunction.unregister(function.name());
            }
        }
    }

    private static long byBatches(ResultSet rs, Connection to, ReplicaTable table, List<String> names)
            throws SQLException {
        List<String> parameters = new ArrayList<>();
        for (ReplicaColumn column : table.columns()) {
            parameters.add(RowBinder.parameter(column));
        }
        if (table.hasRowNumber()) {
            parameters.add("?");
        }
        String insertSql = "insert into " + table.sqlName() + " (" + String.join(", ", names) + ") values ("
                + String.join(", ", parameters) + ")";
        long rows = 0;
        try (PreparedStatement insert = to.prepareStatement(insertSql)) {
            ResultSetMetaData meta = rs.getMetaData();
            int n = meta.getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= n; i++) {
                    copyValue(rs, i, insert, i, meta.getColumnType(i));
                }
                insert.addBatch();
                if (++rows % TableLoader.BATCH_ROWS == 0) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            return rows;
        }
    }

    /**
     * Binds the value of column {@code column} of {@code rs}'s row, of JDBC type {@code type}, to
     * parameter {@code parameter} of {@code insert}, exactly as stored (Derby to Derby).
     */
    private static void copyValue(ResultSet rs, int column, PreparedStatement insert, int parameter, int type)
            throws SQLException {
        switch (type) {
            case Types.BLOB, Types.VARBINARY, Types.BINARY, Types.LONGVARBINARY -> insert.setBytes(
                    parameter, rs.getBytes(column));
            case Types.DECIMAL, Types.NUMERIC -> insert.setBigDecimal(parameter, rs.getBigDecimal(column));
            case Types.TIMESTAMP -> insert.setString(parameter, DerbyTimestamps.text(rs, column));
            case Types.CLOB, Types.VARCHAR, Types.CHAR, Types.LONGVARCHAR, Types.DATE, Types.TIME -> insert.setString(
                    parameter, rs.getString(column));
            default -> {
                Object value = rs.getObject(column);
                if (value == null) {
                    insert.setNull(parameter, type);
                } else {
                    insert.setObject(parameter, value, type);
                }
            }
        }
    }
}
