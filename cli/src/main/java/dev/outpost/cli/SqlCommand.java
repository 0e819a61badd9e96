package dev.outpost.cli;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import java.io.PrintWriter;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code outpost sql "select ..."}: runs a query on the replica (read-only) and prints a table. */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run a read-only SQL query on the replica.")
final class SqlCommand implements Callable<Integer> {
    private static final int MAX_CELL = 60;

    @Mixin
    ReplicaOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query, e.g. \"select * from users\"")
    String query;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        QueryOnly.check(query);
        try (ReplicaReads reads = ReplicaReads.open(options)) {
            Connection c = reads.connection();
            try (Statement s = c.createStatement()) {
                if (!s.execute(query)) {
                    throw new OutpostException(ErrorCode.REPLICA_ERROR, "Not a query: " + query);
                }
                try (ResultSet rs = s.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> header = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        header.add(md.getColumnLabel(i));
                    }
                    TextTable table = new TextTable(header);
                    long rows = 0;
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= header.size(); i++) {
                            row.add(cell(rs.getObject(i)));
                        }
                        table.add(row);
                        rows++;
                    }
                    table.print(out);
                    out.printf("(%d row%s)%n", rows, rows == 1 ? "" : "s");
                }
            }
            out.flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new OutpostException(ErrorCode.REPLICA_ERROR, "SQL failed: " + e.getMessage(), e);
        }
    }

    private static String cell(Object value) throws SQLException {
        String s;
        if (value == null) {
            s = "NULL";
        } else if (value instanceof Blob b) {
            s = "<" + b.length() + " bytes>";
        } else if (value instanceof byte[] b) {
            s = "<" + b.length + " bytes>";
        } else if (value instanceof Clob c) {
            s = c.getSubString(1, (int) Math.min(c.length(), MAX_CELL + 1));
        } else {
            s = value.toString();
        }
        s = s.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 3) + "..." : s;
    }
}
