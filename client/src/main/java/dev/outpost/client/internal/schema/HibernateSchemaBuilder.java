package dev.outpost.client.internal.schema;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import dev.outpost.client.internal.store.Transactions;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.boot.Metadata;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.tool.schema.SourceType;
import org.hibernate.tool.schema.TargetType;
import org.hibernate.tool.schema.internal.ExceptionHandlerHaltImpl;
import org.hibernate.tool.schema.spi.ContributableMatcher;
import org.hibernate.tool.schema.spi.ExceptionHandler;
import org.hibernate.tool.schema.spi.ExecutionOptions;
import org.hibernate.tool.schema.spi.SchemaManagementTool;
import org.hibernate.tool.schema.spi.ScriptSourceInput;
import org.hibernate.tool.schema.spi.ScriptTargetOutput;
import org.hibernate.tool.schema.spi.SourceDescriptor;
import org.hibernate.tool.schema.spi.TargetDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the replica's tables in a fresh Derby database from a generated {@link MappingXml mapping}:
 * Hibernate's schema export writes the DDL (tables, the server's other schemas, keys, foreign keys),
 * and it is run on the caller's connection in one transaction. One commit for the whole schema
 * instead of one per statement, which Derby would make durable one by one; and any statement Derby
 * refuses fails the build (nothing is created) instead of leaving a table silently missing. Hence the
 * database must be empty.
 *
 * <p>Hibernate reads the Derby version from the connection and opens no connection of its own.
 */
public final class HibernateSchemaBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(HibernateSchemaBuilder.class);

    private HibernateSchemaBuilder() {}

    /**
     * Creates the tables on {@code c} and commits (auto-commit is restored as it was).
     *
     * @param c a connection to an empty Derby database
     * @throws OutpostException with {@link ErrorCode#REPLICA_ERROR} when Hibernate or Derby refuse
     */
    public static void createTables(Connection c, List<ReplicaTable> tables) {
        List<String> ddl;
        try {
            ddl = ddl(c.getMetaData(), tables);
        } catch (SQLException | RuntimeException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Could not create the replica tables: " + rootMessage(e), e);
        }
        try {
            Transactions.inOne(c, s -> {
                for (String statement : ddl) {
                    s.execute(statement);
                }
            });
            LOG.debug("Created {} tables with {} statements", tables.size(), ddl.size());
        } catch (SQLException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Could not create the replica tables: " + e.getMessage(), e);
        }
    }

    /** The statements creating {@code tables} in the Derby database {@code database} describes. */
    private static List<String> ddl(DatabaseMetaData database, List<ReplicaTable> tables) throws SQLException {
        String xml = MappingXml.of(tables);
        LOG.debug("Generated mapping for {} tables:\n{}", tables.size(), xml);
        Map<String, Object> settings = new HashMap<>();
        settings.put("hibernate.dialect", "org.hibernate.community.dialect.DerbyDialect");
        settings.put("jakarta.persistence.database-product-name", database.getDatabaseProductName());
        settings.put("jakarta.persistence.database-product-version", database.getDatabaseProductVersion());
        settings.put("jakarta.persistence.database-major-version", String.valueOf(database.getDatabaseMajorVersion()));
        settings.put("jakarta.persistence.database-minor-version", String.valueOf(database.getDatabaseMinorVersion()));
        settings.put("hibernate.boot.allow_jdbc_metadata_access", "false");
        settings.put("hibernate.column_ordering_strategy", "legacy");
        settings.put("hibernate.format_sql", "false");
        StandardServiceRegistry registry =
                new StandardServiceRegistryBuilder().applySettings(settings).build();
        try {
            Metadata metadata = new MetadataSources(registry)
                    .addInputStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                    .buildMetadata();
            List<String> statements = new ArrayList<>();
            registry.requireService(SchemaManagementTool.class)
                    .getSchemaCreator(settings)
                    .doCreation(
                            metadata,
                            new Options(settings),
                            ContributableMatcher.ALL,
                            new FromMetadata(),
                            new ToList(statements));
            return statements;
        } finally {
            StandardServiceRegistryBuilder.destroy(registry);
        }
    }

    /** Tables of the server's other schemas live in Derby schemas of the same names: created too. */
    private record Options(Map<String, Object> getConfigurationValues) implements ExecutionOptions {
        @Override
        public boolean shouldManageNamespaces() {
            return true;
        }

        @Override
        public ExceptionHandler getExceptionHandler() {
            return ExceptionHandlerHaltImpl.INSTANCE;
        }
    }

    private record FromMetadata() implements SourceDescriptor {
        @Override
        public SourceType getSourceType() {
            return SourceType.METADATA;
        }

        @Override
        public ScriptSourceInput getScriptSourceInput() {
            return null;
        }
    }

    /**
     * Collects the generated statements, one per {@link ScriptTargetOutput#accept}, without the
     * delimiter a script target ends each with (JDBC takes one statement without it).
     */
    private record ToList(List<String> statements) implements TargetDescriptor, ScriptTargetOutput {
        @Override
        public EnumSet<TargetType> getTargetTypes() {
            return EnumSet.of(TargetType.SCRIPT);
        }

        @Override
        public ScriptTargetOutput getScriptTargetOutput() {
            return this;
        }

        @Override
        public void prepare() {}

        @Override
        public void accept(String command) {
            statements.add(command.endsWith(";") ? command.substring(0, command.length() - 1) : command);
        }

        @Override
        public void release() {}
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
