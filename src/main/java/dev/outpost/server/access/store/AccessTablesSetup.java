package dev.outpost.server.access.store;

import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Creates the token store's tables when the application starts (after Liquibase), before any request
 * is served; a database that refuses fails the deployment.
 */
@Singleton
@Startup
@DependsOn("LiquibaseMigrator")
@TransactionManagement(TransactionManagementType.BEAN)
public class AccessTablesSetup {
    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @PostConstruct
    void create() {
        try (Connection connection = dataSource.getConnection()) {
            AccessTables.create(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the token store's tables: " + e.getMessage(), e);
        }
    }
}
