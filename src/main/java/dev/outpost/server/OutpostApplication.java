package dev.outpost.server;

import dev.outpost.protocol.SyncPaths;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The JAX-RS application; resources and providers are discovered by the server. */
@ApplicationPath(SyncPaths.API_ROOT)
public class OutpostApplication extends Application {}
