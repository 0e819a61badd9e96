package dev.outpost.client.internal.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a shadow database is being built for and how far it got, stored inside the shadow so that an
 * interrupted rebuild can be resumed: {@code OUTPOST_SHADOW} (one row: the target tag and schema
 * fingerprint, and the database it started from) and {@code OUTPOST_PROGRESS} (per table: the cursor
 * of the next page, rows stored, done). A table's progress row is written in the same transaction as
 * its rows, so it never claims more than is stored. Both tables are dropped when the shadow is
 * completed ({@link #drop}).
 */
public final class ShadowProgress {
    private static final int DONE = 1;
    private static final int WHOLE_LOAD = 2;

    private ShadowProgress() {}

    /**
     * What a shadow is built for.
     *
     * @param tag the server's tag ({@code null} for an untagged history)
     * @param schemaFingerprint the server's schema fingerprint
     * @param database the identity of the server's database ({@link dev.outpost.protocol.VersionInfo#database()})
     * @param base the database it started from ({@code db-<n>}), {@code null} for a first replica
     */
    public record Target(String tag, String schemaFingerprint, String database, String base) {}

    /**
     * One table's progress.
     *
     * @param next cursor of the next page to load, {@code null} before the first page or when done
     * @param rows rows stored
     * @param done whether the table is complete
     * @param wholeLoadTried whether a load of the whole table in one transaction was started (and,
     *     with no rows stored, did not finish): the next load goes page by page
     */
    public record Table(String next, long rows, boolean done, boolean wholeLoadTried) {
        /** A table not started yet. */
        public static final Table NOT_STARTED = new Table(null, 0, false);

        /** A table whose load in one transaction was started, and nothing stored yet. */
        public static final Table WHOLE_LOAD_TRIED = new Table(null, 0, false, true);

        /** Progress of a table loaded page by page. */
        public Table(String next, long rows, boolean done) {
            this(next, rows, done, false);
        }
    }

    /** Marks a freshly created shadow (its tables already exist) as being built for {@code target}. */
    public static void begin(Connection c, Target target) throws SQLException {
        Transactions.inOne(c, s -> {
            s.executeUpdate("create table OUTPOST_SHADOW (tag varchar(1000),"
                    + " schema_fingerprint varchar(1000) not null, source_database varchar(1000), base varchar(100))");
            s.executeUpdate("create table OUTPOST_PROGRESS (table_name varchar(128) not null primary key,"
                    + " next_cursor varchar(32672), row_count bigint not null, done smallint not null)");
            try (PreparedStatement ps = c.prepareStatement("insert into OUTPOST_SHADOW values (?, ?, ?, ?)")) {
                ps.setString(1, target.tag());
                ps.setString(2, target.schemaFingerprint());
                ps.setString(3, target.database());
                ps.setString(4, target.base());
                ps.executeUpdate();
            }
        });
    }

    /** The shadow's target, or empty when it was never marked (it is then useless). */
    public static Optional<Target> target(Connection c) {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select tag, schema_fingerprint, source_database, base from OUTPOST_SHADOW")) {
            return rs.next()
                    ? Optional.of(new Target(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                    : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Every table's progress, by name; tables not started are absent. */
    public static Map<String, Table> tables(Connection c) throws SQLException {
        Map<String, Table> tables = new HashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("select table_name, next_cursor, row_count, done from OUTPOST_PROGRESS")) {
            while (rs.next()) {
                tables.put(
                        rs.getString(1),
                        new Table(rs.getString(2), rs.getLong(3), rs.getInt(4) == DONE, rs.getInt(4) == WHOLE_LOAD));
            }
        }
        return tables;
    }

    /** Records a table's progress in the caller's transaction (the caller commits). */
    public static void record(Connection c, String table, Table progress) throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "update OUTPOST_PROGRESS set next_cursor = ?, row_count = ?, done = ? where table_name = ?")) {
            update.setString(1, progress.next());
            update.setLong(2, progress.rows());
            update.setInt(3, state(progress));
            update.setString(4, table);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("insert into OUTPOST_PROGRESS values (?, ?, ?, ?)")) {
            insert.setString(1, table);
            insert.setString(2, progress.next());
            insert.setLong(3, progress.rows());
            insert.setInt(4, state(progress));
            insert.executeUpdate();
        }
    }

    /** The {@code done} column: 0 loading, 1 done, 2 a whole-table load was tried. */
    private static int state(Table progress) {
        return progress.done() ? DONE : progress.wholeLoadTried() ? WHOLE_LOAD : 0;
    }

    /**
     * Forgets a table's progress in the caller's transaction (the caller empties the table in the same
     * one): the next sync loads it from the start.
     */
    public static void forget(Connection c, String table) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("delete from OUTPOST_PROGRESS where table_name = ?")) {
            delete.setString(1, table);
            delete.executeUpdate();
        }
    }

    /** Drops the progress tables in the caller's transaction. */
    public static void drop(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("drop table OUTPOST_PROGRESS");
            s.executeUpdate("drop table OUTPOST_SHADOW");
        }
    }
}
