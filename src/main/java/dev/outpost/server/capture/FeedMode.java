package dev.outpost.server.capture;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.server.config.OutpostSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * Whether the change feed runs on this database, as every instance sees it: capture is enabled, the
 * database has logical decoding ({@code wal_level=logical}) and the feed's replication slot exists
 * (usable). Otherwise the server is snapshot-only and says why. Read from PostgreSQL on each call (one
 * round trip), so all instances agree and a restart of PostgreSQL with another {@code wal_level} is
 * seen at once.
 *
 * <p>The slot is part of the condition because it is what makes the feed continuous: its gap is
 * recorded before it is created, so a position handed out while it exists is one the feed can continue
 * from.
 *
 * @param capturing whether the feed runs
 * @param reason why it does not, for an operator ({@code null} while capturing)
 */
public record FeedMode(boolean capturing, String reason) {
    /**
     * The mode query's columns: {@code wal_level}, then whether the feed's slot exists and is usable
     * (for the slot name of this database). Usable as a prefix of a larger select.
     */
    public static final String COLUMNS = "current_setting('wal_level'), current_database(),"
            + " array(select slot_name::text from pg_replication_slots where slot_type = 'logical'"
            + " and database = current_database() and wal_status is distinct from 'lost')";

    /** The mode of the database {@code connection} is connected to. */
    public static FeedMode read(Connection connection, boolean captureEnabled) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("select " + COLUMNS);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return of(rs, 1, captureEnabled);
        }
    }

    /** The mode from the {@link #COLUMNS} of a result row, starting at column {@code first}. */
    public static FeedMode of(ResultSet rs, int first, boolean captureEnabled) throws SQLException {
        String walLevel = rs.getString(first);
        String slot = FeedTables.slotName(rs.getString(first + 1));
        List<String> slots = Arrays.asList((String[]) rs.getArray(first + 2).getArray());
        if (!captureEnabled) {
            return new FeedMode(
                    false,
                    "change capture is disabled on this server (" + OutpostSettings.CAPTURE_ENABLED
                            + "=false); serving snapshots only");
        }
        if (!hasLogicalDecoding(walLevel)) {
            return new FeedMode(false, walLevelReason(walLevel));
        }
        if (!slots.contains(slot)) {
            return new FeedMode(
                    false,
                    "change capture has not started yet (no usable replication slot " + slot
                            + "); serving snapshots only until it does");
        }
        return new FeedMode(true, null);
    }

    /** {@link FeedStatus#CAPTURING} or {@link FeedStatus#SNAPSHOT_ONLY}. */
    public String name() {
        return capturing ? FeedStatus.CAPTURING : FeedStatus.SNAPSHOT_ONLY;
    }

    /** Whether a database with this {@code wal_level} can decode its WAL logically. */
    static boolean hasLogicalDecoding(String walLevel) {
        return "logical".equals(walLevel);
    }

    /** Why a database with this {@code wal_level} has no change feed, and how to give it one. */
    static String walLevelReason(String walLevel) {
        return "change capture is off: wal_level is '" + walLevel
                + "'; set wal_level=logical to enable the change feed; serving snapshots only";
    }
}
