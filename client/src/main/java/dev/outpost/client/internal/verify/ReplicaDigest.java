package dev.outpost.client.internal.verify;

import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.protocol.RowDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The {@link RowDigest} of a replica table's rows, computed from the Derby values rebuilt to PostgreSQL's
 * text form ({@link DerbyText}): equal to the server's {@link dev.outpost.protocol.TableDigest} exactly
 * when the replica holds the server's rows. A value in the {@link Quarantine} (stored as NULL because
 * Derby cannot hold it) counts with its quarantined text. Streams the table; holds one row at a time.
 */
public final class ReplicaDigest {
    private ReplicaDigest() {}

    /** The digest of every row of {@code table}. */
    public static RowDigest of(Connection c, ReplicaTable table) throws SQLException {
        List<ReplicaColumn> columns = table.columns();
        Map<String, Map<String, String>> quarantined = Quarantine.of(c, table.name());
        List<String> selected = new ArrayList<>();
        columns.forEach(col -> selected.add(Identifiers.sql(col.name())));
        int[] keys = keyIndexes(table);
        if (!quarantined.isEmpty() && table.hasRowNumber()) {
            selected.add(Identifiers.sql(ReplicaTable.ROW_NUMBER_COLUMN));
        }
        String sql = selected.stream().collect(Collectors.joining(", ", "select ", " from ")) + table.sqlName();
        RowDigest digest = new RowDigest();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            String[] values = new String[columns.size()];
            while (rs.next()) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = DerbyText.of(rs, i + 1, columns.get(i).kind());
                }
                if (!quarantined.isEmpty()) {
                    Map<String, String> texts = quarantined.get(key(rs, table, keys, values));
                    if (texts != null) {
                        for (int i = 0; i < values.length; i++) {
                            String text = texts.get(columns.get(i).name());
                            if (text != null && values[i] == null) {
                                values[i] = RowDigest.canonical(columns.get(i).pgType(), text);
                            }
                        }
                    }
                }
                digest.add(values);
            }
        }
        return digest;
    }

    /** The row's key as {@link Quarantine#key} writes it. */
    private static String key(ResultSet rs, ReplicaTable table, int[] keys, String[] values) throws SQLException {
        if (table.hasRowNumber()) {
            return Long.toString(rs.getLong(table.columns().size() + 1));
        }
        String[] key = new String[keys.length];
        for (int k = 0; k < keys.length; k++) {
            key[k] = values[keys[k]];
        }
        return Quarantine.keyText(key);
    }

    private static int[] keyIndexes(ReplicaTable table) {
        List<String> key = table.primaryKey();
        int[] indexes = new int[key.size()];
        for (int k = 0; k < indexes.length; k++) {
            for (int i = 0; i < table.columns().size(); i++) {
                if (table.columns().get(i).name().equals(key.get(k))) {
                    indexes[k] = i;
                }
            }
        }
        return indexes;
    }
}
