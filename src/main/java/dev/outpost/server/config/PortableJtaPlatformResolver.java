package dev.outpost.server.config;

import java.util.Map;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import org.hibernate.engine.transaction.jta.platform.internal.JBossAppServerJtaPlatform;
import org.hibernate.engine.transaction.jta.platform.internal.StandardJtaPlatformResolver;
import org.hibernate.engine.transaction.jta.platform.internal.SunOneJtaPlatform;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatform;
import org.hibernate.engine.transaction.jta.platform.spi.JtaPlatformResolver;
import org.hibernate.service.spi.ServiceRegistryImplementor;

/**
 * Lets the Hibernate bundled in the WAR find the server's transaction manager by probing JNDI, so
 * one {@code persistence.xml} works on Payara and on WildFly.
 */
public class PortableJtaPlatformResolver implements JtaPlatformResolver {
    @Override
    public JtaPlatform resolveJtaPlatform(
            @SuppressWarnings("rawtypes") Map settings, ServiceRegistryImplementor registry) {
        if (bound("java:appserver/TransactionManager")) {
            return new SunOneJtaPlatform();
        }
        if (bound("java:jboss/TransactionManager")) {
            return new JBossAppServerJtaPlatform();
        }
        return StandardJtaPlatformResolver.INSTANCE.resolveJtaPlatform(settings, registry);
    }

    private static boolean bound(String name) {
        try {
            return new InitialContext().lookup(name) != null;
        } catch (NamingException e) {
            return false;
        }
    }
}
