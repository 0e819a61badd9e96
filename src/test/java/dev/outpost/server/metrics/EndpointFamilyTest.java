package dev.outpost.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EndpointFamilyTest {
    @Test
    void namesTheFamilyNeverThePath() {
        assertEquals("sync_version", EndpointFamily.of("/api/sync/version"));
        assertEquals("sync_rows", EndpointFamily.of("/api/sync/tables/users/rows"));
        assertEquals("sync_digest", EndpointFamily.of("/api/sync/tables/a%2Fb/digest"));
        assertEquals("sync_changes", EndpointFamily.of("/api/sync/changes"));
        assertEquals("sync_reports", EndpointFamily.of("/api/sync/reports"));
        assertEquals("write", EndpointFamily.of("/api/companies/12"));
        assertEquals("write", EndpointFamily.of("/api/users"));
        assertEquals("admin", EndpointFamily.of("/api/admin/tokens/3/revoke"));
        assertEquals("health", EndpointFamily.of("/api/health/ready"));
        assertEquals("metrics", EndpointFamily.of("/api/metrics"));
        assertEquals("openapi", EndpointFamily.of("/api/openapi.yaml"));
        assertEquals("other", EndpointFamily.of("/api/sync/tables/users/rowsx"));
        assertEquals("other", EndpointFamily.of("/api/whatever"));
        assertEquals("other", EndpointFamily.of("/admin/index.html"));
        assertEquals("other", EndpointFamily.of(null));
        assertEquals("4xx", EndpointFamily.statusClass(404));
        assertEquals("other", EndpointFamily.statusClass(42));
    }
}
