package dev.outpost.server.changes;

import dev.outpost.protocol.FeedStatus;
import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
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
            return ChangeLog.status(connection, settings.captureEnabled());
        }
    }
}
