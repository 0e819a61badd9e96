package dev.outpost.wildfly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortOffsetTest {
    @Test
    void pickedOffsetLeavesEveryShiftedPortFree() {
        int offset = FreePortOffset.pick();
        assertTrue(offset >= FreePortOffset.MIN_OFFSET && offset <= FreePortOffset.MAX_OFFSET, "offset " + offset);
        for (int base : FreePortOffset.BASE_PORTS) {
            assertTrue(FreePortOffset.free(base + offset), "port " + (base + offset));
        }
    }

    @Test
    void aPortBoundOnLoopbackOnlyIsNotFree() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            assertFalse(FreePortOffset.free(taken.getLocalPort()));
        }
    }

    @Test
    void theListenerRanInThisJvmAndDerivedTheManagementPort() {
        // registered in META-INF/services next to the server test-jar's EmbeddedPostgresSession
        int offset = Integer.parseInt(System.getProperty("wildfly.portOffset"));
        assertEquals(9990 + offset, Integer.parseInt(System.getProperty("wildfly.managementPort")));
    }
}
