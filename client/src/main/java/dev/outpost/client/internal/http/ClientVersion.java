package dev.outpost.client.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The client's version, as sent in {@link dev.outpost.protocol.SyncPaths#CLIENT_HEADER}: the Maven
 * project version, written into {@code client-version.properties} by the build (resource filtering).
 * A resource rather than the jar manifest: it stays right when the classes are shaded into another
 * jar, and in tests run from the classes directory. {@value #UNKNOWN} when it cannot be read.
 */
final class ClientVersion {
    /** The version of a client built without the filtered resource. */
    static final String UNKNOWN = "dev";

    /** This client's version. */
    static final String VALUE = read();

    private ClientVersion() {}

    private static String read() {
        try (InputStream in = ClientVersion.class.getResourceAsStream("client-version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            return version.isEmpty() || version.contains("${") ? UNKNOWN : version;
        } catch (IOException e) {
            return UNKNOWN;
        }
    }
}
