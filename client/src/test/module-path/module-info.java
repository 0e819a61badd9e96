/**
 * An application using the Outpost client on the module path: it reads the client's exported API
 * only, as {@code ModulePathTest} compiles and runs it.
 */
module dev.outpost.modulecheck {
    requires dev.outpost.client;
}
