package dev.outpost.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@link ServedReaders} as Derby calls it: this process's own connections are let in, a network
 * connection only as the reader, with the password, to the database being served, asking for no
 * database operation.
 */
class ServedReadersTest {
    private static final Path SERVED = Path.of("/replicas/a/db-3");

    private final ServedReaders readers = new ServedReaders();

    @Test
    void letsThisProcesssOwnConnectionsInAndOnlyTheReaderOverTheNetwork() {
        ServedReaders.allow("secret", SERVED);
        assertTrue(readers.authenticateUser(null, null, SERVED.toString(), new Properties()), "embedded");
        assertTrue(readers.authenticateUser("READER", "secret", SERVED.toString(), network()));
        assertTrue(readers.authenticateUser("reader", "secret", "/replicas/a/../a/db-3", network()));

        assertFalse(readers.authenticateUser("APP", "secret", SERVED.toString(), network()), "the full-access user");
        assertFalse(readers.authenticateUser("reader", "guess", SERVED.toString(), network()), "a wrong password");
        assertFalse(readers.authenticateUser("reader", null, SERVED.toString(), network()), "no password");
        assertFalse(readers.authenticateUser("reader", "secret", "/replicas/a/db-4", network()), "another database");
        assertFalse(readers.authenticateUser("reader", "secret", null, network()), "the server itself");
        for (String operation : new String[] {"shutdown", "create", "drop", "restoreFrom", "upgrade"}) {
            Properties asked = network();
            asked.setProperty(operation, "true");
            assertFalse(readers.authenticateUser("reader", "secret", SERVED.toString(), asked), operation);
        }
    }

    @Test
    void followsTheActiveDatabaseAfterARebuild() {
        ServedReaders.allow("secret", SERVED);
        ServedReaders.serving(Path.of("/replicas/a/db-4"));
        assertFalse(readers.authenticateUser("reader", "secret", SERVED.toString(), network()), "the replaced one");
        assertTrue(readers.authenticateUser("reader", "secret", "/replicas/a/db-4", network()));
    }

    /** What Derby's network server passes for a client's connection. */
    private static Properties network() {
        Properties info = new Properties();
        info.setProperty("drdaID", "{1}");
        return info;
    }
}
