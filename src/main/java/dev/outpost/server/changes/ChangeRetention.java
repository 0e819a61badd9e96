package dev.outpost.server.changes;

import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Deletes changes older than {@value OutpostSettings#RETENTION_HOURS} and moves the horizon past them,
 * in one statement, every ten minutes. Safe on every instance at once: deleting is idempotent and the
 * horizon only grows.
 */
@Singleton
public class ChangeRetention {
    private static final Logger LOG = Logger.getLogger(ChangeRetention.class.getName());

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    @Schedule(minute = "*/10", hour = "*", persistent = false)
    void expire() {
        try (Connection connection = dataSource.getConnection()) {
            long deleted = expire(connection, settings.retentionHours());
            if (deleted > 0) {
                LOG.log(Level.INFO, "retention deleted {0} changes older than {1} hours", new Object[] {
                    deleted, settings.retentionHours()
                });
            }
        } catch (SQLException e) {
            LOG.log(Level.WARNING, "change retention failed; trying again in ten minutes", e);
        }
    }

    /** Deletes changes captured more than {@code hours} ago; returns how many. */
    static long expire(Connection connection, int hours) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("with gone as (delete from " + FeedTables.CHANGE_LOG
                + " where captured_at < now() - make_interval(hours => ?) returning position),"
                + " moved as (update " + FeedTables.HORIZON + " set after_position ="
                + " greatest(after_position, (select coalesce(max(position), 0) from gone)) returning 1)"
                + " select count(*) from gone, moved")) {
            ps.setInt(1, hours);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // capture has not created the log yet
            }
            throw e;
        }
    }
}
