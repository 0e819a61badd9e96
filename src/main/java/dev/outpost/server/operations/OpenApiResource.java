package dev.outpost.server.operations;

import dev.outpost.protocol.OperationsPaths;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/openapi.yaml}: the OpenAPI 3 description of the whole API, a document written by hand
 * and kept in the WAR ({@value #DOCUMENT}). Written rather than generated, so it can say what the
 * annotations cannot (the NDJSON line formats, which token each call needs, every problem type);
 * {@code OperationsIT} checks it against the deployed endpoints in both directions. Needs any valid
 * token, like every other description of the server.
 */
@Path(OperationsPaths.OPENAPI)
@ApplicationScoped
public class OpenApiResource {
    static final String DOCUMENT = "/dev/outpost/server/operations/openapi.yaml";

    private final byte[] document = load();

    @GET
    @Produces(OperationsPaths.YAML)
    public byte[] document() {
        return document.clone();
    }

    private static byte[] load() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new IllegalStateException("the WAR lacks " + DOCUMENT);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
