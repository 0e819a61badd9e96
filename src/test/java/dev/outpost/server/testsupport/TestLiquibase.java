package dev.outpost.server.testsupport;

import java.sql.Connection;
import liquibase.Scope;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateToTagCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.resource.ClassLoaderResourceAccessor;

/** Applies a changelog from the classpath the way a team's pipeline would: all of it, or up to a tag. */
public final class TestLiquibase {
    /** The master changelog of the example application, as the WAR ships it. */
    public static final String MASTER = "liquibase/changelog-master.xml";

    private TestLiquibase() {}

    /**
     * {@code liquibase update}, or {@code update-to-tag} when {@code tag} is not null. Liquibase turns
     * auto-commit off; it is restored afterwards so that the caller's later writes are not lost.
     */
    public static void update(Connection connection, String changelog, String tag) throws Exception {
        boolean autoCommit = connection.getAutoCommit();
        try {
            apply(connection, changelog, tag);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }

    private static void apply(Connection connection, String changelog, String tag) throws Exception {
        Database database =
                DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(connection));
        Scope.child(
                Scope.Attr.resourceAccessor.name(),
                new ClassLoaderResourceAccessor(TestLiquibase.class.getClassLoader()),
                () -> {
                    CommandScope command = new CommandScope(
                                    tag == null ? UpdateCommandStep.COMMAND_NAME : UpdateToTagCommandStep.COMMAND_NAME)
                            .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                            .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog);
                    if (tag != null) {
                        command.addArgumentValue(UpdateToTagCommandStep.TAG_ARG, tag);
                    }
                    command.execute();
                });
    }
}
