package dev.outpost.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicaConfigTest {
    @Test
    void appliesDefaultsAndAddsTheTrailingSlash() {
        ReplicaConfig c = ReplicaConfig.builder()
                .serverUrl(URI.create("http://127.0.0.1:8080/outpost"))
                .token("t")
                .directory(Path.of("r"))
                .build();
        assertEquals(URI.create("http://127.0.0.1:8080/outpost/"), c.serverUrl());
        assertEquals(ReplicaConfig.DEFAULT_PAGE_ROWS, c.pageRows());
        assertEquals(ReplicaConfig.DEFAULT_CONNECT_TIMEOUT, c.connectTimeout());
        assertTrue(c.directory().isAbsolute());
    }

    @Test
    void failsFastNamingTheSetting() {
        assertInvalid(ReplicaConfig.builder(), "directory");
        assertInvalid(
                ReplicaConfig.builder()
                        .directory(Path.of("r"))
                        .serverUrl(URI.create("ftp://x/"))
                        .token("t"),
                "serverUrl");
        assertInvalid(ReplicaConfig.builder().directory(Path.of("r")).serverUrl(URI.create("http://x/")), "token");
        assertInvalid(ReplicaConfig.builder().directory(Path.of("r")).pageRows(0), "pageRows");
        assertInvalid(ReplicaConfig.builder().directory(Path.of("r")).requestTimeout(Duration.ZERO), "requestTimeout");
    }

    private static void assertInvalid(ReplicaConfig.Builder builder, String setting) {
        OutpostException e = assertThrows(OutpostException.class, builder::build);
        assertEquals(ErrorCode.CONFIG_INVALID, e.code());
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }
}
