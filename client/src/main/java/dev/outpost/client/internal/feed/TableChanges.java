package dev.outpost.client.internal.feed;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.load.RowBinder;
import dev.outpost.client.internal.schema.Identifiers;
import dev.outpost.client.internal.schema.ReplicaColumn;
import dev.outpost.client.internal.schema.ReplicaTable;
import dev.outpost.client.internal.store.Quarantine;
import dev.outpost.protocol.RowDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements that apply one table's changes, idempotently: an upsert updates the row with the
 * change's key and inserts it when there was none; a delete of a row that is not there deletes
 * nothing; so a change delivered twice leaves the same rows as once.
 *
 * <p>A value Derby cannot hold is stored as NULL and its text in the {@link Quarantine}, in the same
 * transaction: each upsert replaces the row's entries (an update that fixes the value removes its
 * entry), a delete removes them, a truncate removes the table's.
 */
final class TableChanges implements AutoCloseable {
    private final ReplicaTable table;
    private final RowBinder binder;
    private final Connection connection;
    private final List<ReplicaColumn> keyColumns = new ArrayList<>();
    private final List<ReplicaColumn> otherColumns = new ArrayList<>();
    private final int[] keyIndexes;
    private final int[] otherIndexes;
    private final PreparedStatement update;
    private final PreparedStatement insert;
    private final PreparedStatement delete;
    private final List<Quarantine.Entry> refused = new ArrayList<>();
    private final RowBinder.Refused refusedValue;
    private String[] current;
    /** Columns known to take NULL for a refused value. */
    private final Set<String> nullable = new HashSet<>();
    /** Whether the table may have entries in the quarantine (checked once, then kept up to date). */
    private boolean quarantined;

    TableChanges(Connection connection, ReplicaTable table) throws SQLException {
        this.connection = connection;
        this.table = table;
        this.binder = new RowBinder(table.name());
        List<Integer> keys = new ArrayList<>();
        List<Integer> others = new ArrayList<>();
        for (String key : table.primaryKey()) {
            for (int i = 0; i < table.columns().size(); i++) {
                if (table.columns().get(i).name().equals(key)) {
                    keys.add(i);
                    keyColumns.add(table.columns().get(i));
                }
            }
        }
        for (int i = 0; i < table.columns().size(); i++) {
            if (!keys.contains(i)) {
                others.add(i);
                otherColumns.add(table.columns().get(i));
            }
        }
        keyIndexes = keys.stream().mapToInt(Integer::intValue).toArray();
        otherIndexes = others.stream().mapToInt(Integer::intValue).toArray();
        String name = table.sqlName();
        String where = keyColumns.stream()
                .map(c -> Identifiers.sql(c.name()) + " = ?")
                .collect(Collectors.joining(" and ", " where ", ""));
        update = otherColumns.isEmpty()
                ? null
                : connection.prepareStatement("update " + name
                        + otherColumns.stream()
                                .map(c -> Identifiers.sql(c.name()) + " = ?")
                                .collect(Collectors.joining(", ", " set ", ""))
                        + where);
        insert = connection.prepareStatement("insert into " + name
                + table.columns().stream()
                        .map(c -> Identifiers.sql(c.name()))
                        .collect(Collectors.joining(", ", " (", ")"))
                + table.columns().stream().map(c -> "?").collect(Collectors.joining(", ", " values (", ")")));
        delete = connection.prepareStatement("delete from " + name + where);
        quarantined = Quarantine.has(connection, table.name());
        refusedValue = (column, text) -> {
            if (keyColumns.contains(column)) {
                throw new OutpostException(
                        ErrorCode.SCHEMA_UNSUPPORTED,
                        "Table " + table.name() + ": key column " + column.name() + " holds '" + text
                                + "', a value Derby cannot hold");
            }
            if (nullable.add(column.name())) {
                Quarantine.allowNull(connection, table, column.name());
            }
            refused.add(new Quarantine.Entry(Quarantine.key(table, current, 0), column.name(), text));
        };
    }

    /** Makes the row with {@code values}' key hold {@code values} (all columns, in table order). */
    void upsert(String[] values) throws SQLException {
        if (values.length != table.columns().size()) {
            throw protocolError(values.length + " values for " + table.columns().size() + " columns");
        }
        current = values;
        refused.clear();
        if (update != null) {
            binder.bind(update, 1, otherColumns, pick(values, otherIndexes), refusedValue);
            binder.bind(update, otherColumns.size() + 1, keyColumns, pick(values, keyIndexes));
            if (update.executeUpdate() > 0) {
                quarantine(pick(values, keyIndexes));
                return;
            }
        } else {
            delete(pick(values, keyIndexes));
        }
        refused.clear();
        binder.bind(insert, 1, table.columns(), values, refusedValue);
        insert.executeUpdate();
        quarantine(pick(values, keyIndexes));
    }

    /** Replaces the quarantine entries of the row with this key by the values just refused. */
    private void quarantine(String[] key) throws SQLException {
        if (quarantined) {
            Quarantine.remove(connection, table.name(), keyText(key));
        }
        if (!refused.isEmpty()) {
            Quarantine.add(connection, table.name(), refused);
            quarantined = true;
        }
    }

    private String keyText(String[] key) {
        String[] canonical = new String[key.length];
        for (int i = 0; i < key.length; i++) {
            canonical[i] = RowDigest.canonical(keyColumns.get(i).pgType(), key[i]);
        }
        return Quarantine.keyText(canonical);
    }

    /** Deletes the row with this key, if there is one. */
    void delete(String[] key) throws SQLException {
        if (key.length != keyColumns.size()) {
            throw protocolError("a delete carries " + key.length + " key values, the key has " + keyColumns.size());
        }
        binder.bind(delete, 1, keyColumns, key);
        delete.executeUpdate();
        if (quarantined) {
            Quarantine.remove(connection, table.name(), keyText(key));
        }
    }

    /** Deletes every row. */
    void truncate() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.executeUpdate("delete from " + table.sqlName());
        }
        Quarantine.clear(connection, table.name());
        quarantined = false;
    }

    @Override
    public void close() throws SQLException {
        try (PreparedStatement u = update;
                PreparedStatement i = insert;
                PreparedStatement d = delete) {
            // closed in reverse order
        }
    }

    private static String[] pick(String[] values, int[] indexes) {
        String[] picked = new String[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            picked[i] = values[indexes[i]];
        }
        return picked;
    }

    private OutpostException protocolError(String message) {
        return new OutpostException(ErrorCode.PROTOCOL_ERROR, "Bad change for table " + table.name() + ": " + message);
    }
}
