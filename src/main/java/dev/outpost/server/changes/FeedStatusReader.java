package dev.outpost.server.changes;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.server.capture.CaptureConnections;
import dev.outpost.server.capture.FeedTables;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** How the change feed stands now ({@link ChangeLog#status}), for the feed endpoint and the admin overview. */
@ApplicationScoped
public class FeedStatusReader {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    public FeedStatus read() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return read(connection);
        }
    }

    /** The feed's status read on {@code connection}, which stays open. */
    public FeedStatus read(Connection connection) throws SQLException {
        return ChangeLog.status(connection, settings.captureEnabled());
    }

    /** What capture is doing: which instance reads the slot, and how fast changes arrive. */
    public record Activity(String capturingInstance, double changesPerSecond) {}

    /** The instance streaming from the feed's slot ({@code pid@host}), and the changes of the last minute. */
    public Activity activity() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            String instance = null;
            try (PreparedStatement ps = connection.prepareStatement("select a.application_name"
                    + " from pg_replication_slots s join pg_stat_activity a on a.pid = s.active_pid"
                    + " where s.slot_name = ?")) {
                ps.setString(1, FeedTables.slot(connection));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        instance = rs.getString(1).replaceFirst("^" + CaptureConnections.STREAM_NAME + " ?", "");
                    }
                }
            }
            double perSecond = 0;
            try (PreparedStatement ps = connection.prepareStatement("select count(*) from " + FeedTables.CHANGE_LOG
                    + " where captured_at > now() - interval '1 minute'")) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    perSecond = rs.getLong(1) / 60.0;
                }
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) { // no change log yet: nothing captured
                    throw e;
                }
            }
            return new Activity(instance, perSecond);
        }
    }
}
