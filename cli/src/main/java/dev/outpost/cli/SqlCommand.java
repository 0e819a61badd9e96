package dev.outpost.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code outpost sql "select ..."}: runs a query on the replica (read-only) and streams its rows to
 * standard output as a table, CSV or JSON ({@link SqlOutput}), so a result of any size prints in little
 * memory. A mistake in the query exits {@value ExitCodes#QUERY_FAILED} with Derby's message and hints.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run a read-only SQL query on the replica.")
final class SqlCommand implements Callable<Integer> {
    @Mixin
    ReplicaOptions options;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--format",
            defaultValue = "TABLE",
            paramLabel = "FORMAT",
            description = "table (aligned, sized by the first " + TableOutput.SIZING_ROWS + " rows), csv (RFC 4180)"
                    + " or json (an array of objects); default: table")
    SqlOutput.Format format;

    @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query, e.g. \"select * from users\"")
    String query;

    @Override
    public Integer call() throws IOException {
        QueryOnly.check(query);
        Writer out = new BufferedWriter(spec.commandLine().getOut(), 1 << 16);
        try (ReplicaReads reads = ReplicaReads.open(options)) {
            Connection c = reads.connection();
            try (Statement s = c.createStatement()) {
                if (!s.execute(query)) {
                    throw QueryFailed.notAQuery(query);
                }
                try (ResultSet rs = s.getResultSet()) {
                    print(rs, format.to(out));
                }
            }
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw QueryFailed.of(query, e);
        } finally {
            out.flush();
        }
    }

    private static void print(ResultSet rs, SqlOutput output) throws SQLException, IOException {
        ResultSetMetaData md = rs.getMetaData();
        int columns = md.getColumnCount();
        List<String> labels = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
            labels.add(md.getColumnLabel(i));
        }
        output.begin(labels);
        long rows = 0;
        while (rs.next()) {
            Object[] values = new Object[columns];
            for (int i = 0; i < columns; i++) {
                values[i] = rs.getObject(i + 1);
            }
            output.row(values);
            rows++;
        }
        output.end(rows);
    }
}
