package dev.outpost.bench;

import dev.outpost.protocol.VersionInfo;
import java.io.IOException;
import java.net.URI;

/** One HTTP client, sending what the client library sends. */
interface HttpTransport extends AutoCloseable {
    String name();

    /** A GET with the library's headers; {@code compress}: with {@code Accept-Encoding: zstd, gzip}. */
    HttpAnswer get(URI uri, String accept, boolean compress) throws IOException;

    /** The version check, its JSON read into {@link VersionInfo}. */
    VersionInfo version(URI uri) throws IOException;
}
