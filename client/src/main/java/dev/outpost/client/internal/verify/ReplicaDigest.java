package dev.outpost.client.internal.verify;

import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.protocol.RowDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@link RowDigest} of a replica table's rows, computed from the Derby values rebuilt to PostgreSQL's
 * text form ({@link DerbyText}): equal to the server's {@link dev.outpost.protocol.TableDigest} exactly
 * when the replica holds the server's rows. Streams the table; holds one row at a time.
 */
public final class ReplicaDigest {
    private ReplicaDigest() {}

    /** The digest of every row of {@code table}. */
    public static RowDigest of(Connection c, ReplicaTable table) throws SQLException {
        List<ReplicaColumn> columns = table.columns();
        String sql = columns.stream()
                        .map(col -> Identifiers.sql(col.name()))
                        .collect(Collectors.joining(", ", "select ", " from "))
                + table.sqlName();
        RowDigest digest = new RowDigest();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            String[] values = new String[columns.size()];
            while (rs.next()) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = DerbyText.of(rs, i + 1, columns.get(i).kind());
                }
                digest.add(values);
            }
        }
        return digest;
    }
}
