package dev.outpost.server.migration;

import dev.outpost.server.config.OutpostSettings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/**
 * Runs {@code liquibase update} once when the application starts, before any request is served. A
 * failing changelog fails the deployment: serving replicas from a half-migrated database would be
 * worse than not serving them.
 */
@Singleton
@Startup
@TransactionManagement(TransactionManagementType.BEAN)
public class LiquibaseMigrator {
    private static final Logger LOG = Logger.getLogger(LiquibaseMigrator.class.getName());

    @Resource(lookup = OutpostSettings.DATASOURCE)
    private DataSource dataSource;

    @Inject
    private OutpostSettings settings;

    @PostConstruct
    void migrate() {
        if (!settings.liquibaseEnabled()) {
            LOG.log(Level.INFO, "Liquibase at start-up is off ({0}=false)", OutpostSettings.LIQUIBASE_ENABLED);
            return;
        }
        long start = System.nanoTime();
        try (Connection connection = dataSource.getConnection()) {
            Database database =
                    DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
            ClassLoaderResourceAccessor resources =
                    new ClassLoaderResourceAccessor(LiquibaseMigrator.class.getClassLoader());
            Scope.child(Scope.Attr.resourceAccessor.name(), resources, () -> new CommandScope(
                            UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, settings.changelog())
                    .execute());
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Liquibase update of " + settings.changelog() + " failed: " + e.getMessage(), e);
        }
        LOG.log(Level.INFO, "Liquibase applied {0} in {1} ms", new Object[] {
            settings.changelog(), (System.nanoTime() - start) / 1_000_000
        });
    }
}
