package dev.outpost.server.access.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TokenSecretsTest {
    @Test
    void aSecretIsThePrefixAnd256RandomBitsAndItsHashIsSha256() {
        String secret = TokenSecrets.generate();
        assertTrue(secret.matches("op_[A-Za-z0-9_-]{43}"), secret);
        assertNotEquals(secret, TokenSecrets.generate());
        assertEquals(32, TokenSecrets.hash(secret).length);
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                java.util.HexFormat.of().formatHex(TokenSecrets.hash("abc")));
    }
}
