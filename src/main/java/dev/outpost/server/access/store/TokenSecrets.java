package dev.outpost.server.access.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * New secrets and their hashes. A secret is 32 bytes from {@link SecureRandom} (256 bits), URL-safe
 * base64 after the prefix {@value #PREFIX}; only its SHA-256 is stored. A fast unsalted hash is enough
 * for secrets of that entropy (nothing to guess from a leaked hash), and lets a request find its
 * token by hash in one indexed lookup; bcrypt's cost protects low-entropy passwords and would make
 * each request pay it.
 */
public final class TokenSecrets {
    /** Prefix of every stored token's secret, so that one is recognisable in logs and scanners. */
    public static final String PREFIX = "op_";

    private static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TokenSecrets() {}

    /** A new secret. */
    public static String generate() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of a secret's UTF-8 bytes. */
    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
