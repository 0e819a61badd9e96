package dev.outpost.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** The server and the admin token every {@code admin} subcommand needs. */
final class AdminOptions {
    @Option(
            names = "--server",
            defaultValue = "${env:OUTPOST_SERVER}",
            description = "Server application root, e.g. http://127.0.0.1:8080/outpost/ (env OUTPOST_SERVER)")
    URI server;

    @Option(
            names = "--token",
            defaultValue = "${env:OUTPOST_ADMIN_TOKEN}",
            description = "Admin bearer token (env OUTPOST_ADMIN_TOKEN)")
    String token;

    @Option(names = "--verbose", description = "Print stack traces")
    boolean verbose;

    AdminClient client() {
        return new AdminClient(server, token);
    }
}
