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
     * Copies every row of {@code table} from {@code from} into the same, empty table of {@code to},
     * with the replica's row numbers of a table without a primary key.
     *
     * @return rows copied
     */
    public static long copy(Connection from, Connection to, ReplicaTable table) {
        List<String> names = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        for (ReplicaColumn column : table.columns()) {
            names.add(Identifiers.sql(column.name()));
            parameters.add(RowBinder.parameter(column));
        }
        if (table.hasRowNumber()) {
            // the replica's own key of a keyless table: kept as it was, so that rows keep their identity
            names.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
            parameters.add("?");
        }
        String columns = String.join(", ", names);
        String name = table.sqlName();
        String insertSql = "insert into " + name + " (" + columns + ") values (" + String.join(", ", parameters) + ")";
        long rows = 0;
        try (Statement select = from.createStatement();
                ResultSet rs = select.executeQuery("select " + columns + " from " + name);
                PreparedStatement insert = to.prepareStatement(insertSql)) {
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
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Cannot copy table " + table.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Binds the value of column {@code column} of {@code rs}'s row, of JDBC type {@code type}, to
     * parameter {@code parameter} of {@code insert}, exactly as stored (Derby to Derby).
     */
    public static void copyValue(ResultSet rs, int column, PreparedStatement insert, int parameter, int type)
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
