package dev.outpost.bench;

import dev.outpost.client.internal.load.PgText;
import dev.outpost.client.internal.schema.ColumnKind;
import dev.outpost.protocol.ChangeLines;
import dev.outpost.protocol.RowLines;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * The feed bench's baseline: the server's stored change log replayed straight into a Derby table with
 * JDBC, as a team would write it on top of the same capture: one PostgreSQL cursor, update-then-insert
 * per change, a commit every {@value #COMMIT_EVERY} changes, a database made by {@link
 * Baselines#newDatabase} (the replica's lock escalation threshold).
 */
final class ChangeReplayBaseline {
    private static final int COMMIT_EVERY = 5_000;

    private ChangeReplayBaseline() {}

    /**
     * Seconds to apply {@code count} changes of {@code feed_rows}, after the first {@code skip} of the log,
     * into a new Derby table that holds rows 1..{@code rows} already (not timed), as the replica does.
     */
    static double replay(String pgUrl, Path derbyDir, long skip, long count, int rows) throws SQLException {
        try (Connection pg = DriverManager.getConnection(pgUrl);
                Connection derby = Baselines.newDatabase(derbyDir)) {
            try (Statement st = derby.createStatement()) {
                st.execute("create table feed_rows (id bigint primary key, name varchar(100) not null,"
                        + " amount decimal(12,2), seq bigint not null, updated_at timestamp not null)");
            }
            try (PreparedStatement seed =
                    derby.prepareStatement("insert into feed_rows values (?, 'seed', 0, 0, current_timestamp)")) {
                for (int id = 1; id <= rows; id++) {
                    seed.setLong(1, id);
                    seed.addBatch();
                }
                seed.executeBatch();
            }
            derby.setAutoCommit(false);
            pg.setAutoCommit(false);
            long start = System.nanoTime();
            try (Statement cursor = pg.createStatement();
                    PreparedStatement update = derby.prepareStatement(
                            "update feed_rows set name = ?, amount = ?, seq = ?, updated_at = ? where id = ?");
                    PreparedStatement insert = derby.prepareStatement("insert into feed_rows values (?, ?, ?, ?, ?)")) {
                cursor.setFetchSize(10_000);
                long applied = 0;
                try (ResultSet rs = cursor.executeQuery("select op, vals from outpost_feed.change_log"
                        + " where table_name = 'feed_rows' order by position offset " + skip + " limit " + count)) {
                    while (rs.next()) {
                        if (!ChangeLines.UPSERT.equals(rs.getString(1))) {
                            continue;
                        }
                        String[] v = ((RowLines.Row) RowLines.parse(rs.getString(2))).values();
                        long id = Long.parseLong(v[0]);
                        update.setString(1, v[1]);
                        update.setBigDecimal(2, v[2] == null ? null : new java.math.BigDecimal(v[2]));
                        update.setLong(3, Long.parseLong(v[3]));
                        update.setTimestamp(
                                4, Timestamp.valueOf((String) PgText.parse(ColumnKind.TIMESTAMP_UTC, v[4])));
                        update.setLong(5, id);
                        if (update.executeUpdate() == 0) {
                            insert.setLong(1, id);
                            insert.setString(2, v[1]);
                            insert.setBigDecimal(3, v[2] == null ? null : new java.math.BigDecimal(v[2]));
                            insert.setLong(4, Long.parseLong(v[3]));
                            insert.setTimestamp(
                                    5, Timestamp.valueOf((String) PgText.parse(ColumnKind.TIMESTAMP_UTC, v[4])));
                            insert.executeUpdate();
                        }
                        if (++applied % COMMIT_EVERY == 0) {
                            derby.commit();
                        }
                    }
                }
                derby.commit();
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
