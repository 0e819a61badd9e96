package dev.outpost.server.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Short, stable SHA-256 fingerprints of canonical text forms. */
public final class Fingerprints {
    private static final int BYTES = 16;

    private Fingerprints() {}

    /** Fingerprint of the parts in order; {@code null} parts are distinct from empty ones. */
    public static String of(String... parts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        for (String part : parts) {
            if (part == null) {
                sha.update((byte) 1);
            } else {
                sha.update((byte) 2);
                sha.update(part.getBytes(StandardCharsets.UTF_8));
            }
            sha.update((byte) 0);
        }
        byte[] digest = sha.digest();
        return HexFormat.of().formatHex(digest, 0, BYTES);
    }
}
