package dev.outpost.client.internal.load;

import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Derby table function created for one load of one table, with the {@code INSERT ... SELECT} that
 * stores its rows: Derby pulls each row as it inserts it, in its bulk mode when the table is empty.
 * The function has a name of its own. It is created and dropped either on a connection of its own,
 * committed at once, so that a loading transaction that commits page by page holds only rows ({@link
 * #committed}), or in the loading transaction itself, so that it is dropped before that transaction
 * commits, and never outlives a rollback ({@link #inTransaction}). It returns the table's columns (and the
 * row number of a keyless table) in the types {@link PageFunction#functionType} gives them: dates and
 * timestamps as Derby's text, parsed by the statement ({@link PageFunction#selectExpression}).
 */
final class RowFunction implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RowFunction.class);

    private final Connection connection;
    private final boolean ownConnection;
    private final String name;
    private final String insertSql;

    private RowFunction(Connection connection, boolean ownConnection, String name, String insertSql) {
        this.connection = connection;
        this.ownConnection = ownConnection;
        this.name = name;
        this.insertSql = insertSql;
    }

    /**
     * Creates the function for {@code table} in {@code connection}'s database, committed at once on a
     * connection of its own; answered by the public static method {@code entryPoint} (class and method
     * name), which takes the key the insert is executed with.
     */
    static RowFunction committed(Connection connection, ReplicaTable table, String entryPoint) throws SQLException {
        return create(connection, true, table, entryPoint);
    }

    /** Creates the function as {@link #committed} does, but in {@code connection}'s open transaction. */
    static RowFunction inTransaction(Connection connection, ReplicaTable table, String entryPoint) throws SQLException {
        return create(connection, false, table, entryPoint);
    }

    private static RowFunction create(
            Connection connection, boolean ownConnection, ReplicaTable table, String entryPoint) throws SQLException {
        String name =
                "OUTPOST_ROWS_" + UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT);
        List<String> names = new ArrayList<>();
        List<String> returns = new ArrayList<>();
        List<String> selects = new ArrayList<>();
        List<ReplicaColumn> columns = table.columns();
        for (int i = 0; i < columns.size(); i++) {
            ReplicaColumn c = columns.get(i);
            names.add(Identifiers.sql(c.name()));
            returns.add("C" + (i + 1) + " " + PageFunction.functionType(c));
            selects.add(PageFunction.selectExpression(c.kind(), "P.C" + (i + 1)));
        }
        if (table.hasRowNumber()) {
            names.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
            returns.add("C" + (columns.size() + 1) + " BIGINT");
            selects.add("P.C" + (columns.size() + 1));
        }
        String create = "CREATE FUNCTION " + name + "(ROWS_KEY VARCHAR(64)) RETURNS TABLE ("
                + String.join(", ", returns) + ") LANGUAGE JAVA PARAMETER STYLE DERBY_JDBC_RESULT_SET NO SQL"
                + " EXTERNAL NAME '" + entryPoint + "'";
        String insert = "insert into " + table.sqlName()
                + names.stream().collect(Collectors.joining(", ", " (", ")"))
                + " select " + String.join(", ", selects) + " from table(" + name + "(?)) P";
        RowFunction function = new RowFunction(connection, ownConnection, name, insert);
        function.ddl(create);
        return function;
    }

    /** The function's name, unique: a prefix for the keys of what it reads. */
    String name() {
        return name;
    }

    /** The insert of the function's rows into the table, its one parameter the key to read. */
    PreparedStatement prepareInsert() throws SQLException {
        return connection.prepareStatement(insertSql);
    }

    /**
     * Drops the function, once the insert is closed; left behind, it would be harmless (nothing calls
     * it again).
     */
    @Override
    public void close() {
        try {
            ddl("DROP FUNCTION " + name);
        } catch (SQLException e) {
            LOG.debug("Could not drop {}: {}", name, e.getMessage());
        }
    }

    /** Runs one statement on a connection of its own, committed at once, or in the connection's transaction. */
    private void ddl(String sql) throws SQLException {
        if (!ownConnection) {
            try (Statement st = connection.createStatement()) {
                st.execute(sql);
            }
            return;
        }
        try (Connection own =
                        DriverManager.getConnection(connection.getMetaData().getURL());
                Statement st = own.createStatement()) {
            own.setAutoCommit(true);
            st.execute(sql);
        }
    }
}
