package dev.outpost.server.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {
    @Test
    void anAddressIsThrottledAfterItsBurstAndOthersAreNot() {
        FailedAuthentications failures = new FailedAuthentications();
        for (int i = 0; i < FailedAuthentications.BURST; i++) {
            assertEquals(0, failures.retryAfterSeconds("10.0.0.1"), "failure " + i + " is within the burst");
            failures.failed("10.0.0.1");
        }
        assertEquals(1, failures.retryAfterSeconds("10.0.0.1"), "then one a second");
        assertEquals(0, failures.retryAfterSeconds("10.0.0.2"));
    }
}
