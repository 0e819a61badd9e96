package dev.outpost.client.internal.schema;

import dev.outpost.client.ErrorCode;
import dev.outpost.client.OutpostException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hibernate.SessionFactory;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the replica's tables in a fresh Derby database by letting Hibernate export a generated
 * {@link MappingXml mapping}. Uses {@code create} with {@code halt_on_error}, so any DDL error fails
 * the build instead of leaving a table silently missing; hence the database must be empty.
 */
public final class HibernateSchemaBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(HibernateSchemaBuilder.class);

    private HibernateSchemaBuilder() {}

    /**
     * Creates the tables.
     *
     * @param jdbcUrl URL of an empty Derby database
     * @throws OutpostException with {@link ErrorCode#REPLICA_ERROR} when Hibernate or Derby refuse
     */
    public static void createTables(String jdbcUrl, List<ReplicaTable> tables) {
        String xml = MappingXml.of(tables);
        LOG.debug("Generated mapping for {} tables:\n{}", tables.size(), xml);
        Map<String, Object> settings = new HashMap<>();
        settings.put("hibernate.connection.url", jdbcUrl);
        settings.put("hibernate.connection.driver_class", "org.apache.derby.iapi.jdbc.AutoloadedDriver");
        settings.put("hibernate.connection.pool_size", "1");
        settings.put("hibernate.jdbc.fetch_size", "1000");
        settings.put("jakarta.persistence.schema-generation.database.action", "create");
        // tables of the server's other schemas live in Derby schemas of the same names
        settings.put("jakarta.persistence.schema-generation.create-database-schemas", "true");
        settings.put("hibernate.hbm2ddl.halt_on_error", "true");
        settings.put("hibernate.column_ordering_strategy", "legacy");
        settings.put("hibernate.boot.allow_jdbc_metadata_access", "true");
        settings.put("hibernate.show_sql", "false");
        StandardServiceRegistry registry =
                new StandardServiceRegistryBuilder().applySettings(settings).build();
        try {
            MetadataSources sources = new MetadataSources(registry)
                    .addInputStream(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            try (SessionFactory ignored = sources.buildMetadata().buildSessionFactory()) {
                LOG.debug("Hibernate created {} tables", tables.size());
            }
        } catch (RuntimeException e) {
            throw new OutpostException(
                    ErrorCode.REPLICA_ERROR, "Could not create the replica tables: " + rootMessage(e), e);
        } finally {
            StandardServiceRegistryBuilder.destroy(registry);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }
}
