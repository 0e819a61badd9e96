package dev.outpost.server;

import dev.outpost.protocol.SyncPaths;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The JAX-RS application; resources and providers are discovered by the server. Jersey's generated
 * description of the API ({@code application.wadl}, answered to anyone) is switched off: the API is
 * described in {@code docs/protocol.md}, and a server has no reason to list its resources to strangers.
 */
@ApplicationPath(SyncPaths.API_ROOT)
public class OutpostApplication extends Application {
    @Override
    public Map<String, Object> getProperties() {
        // Jersey's (Payara); RESTEasy (WildFly) generates no WADL and ignores the property
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
