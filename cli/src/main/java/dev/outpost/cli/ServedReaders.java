package dev.outpost.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.derby.authentication.UserAuthenticator;

/**
 * Derby's authentication while {@code sync --live --serve} serves the replica ({@link ServedReplica}
 * turns it on for the JVM): a connection made inside this process (the replica's own, embedded; it
 * carries no DRDA id) is let in as without authentication, as Derby's default user {@code APP}, the
 * one full-access user. A connection over the network must name {@link #READER} with the password
 * the live process chose, reach the database being served and nothing else, and ask for no
 * database-level operation (create, drop, shut down, restore, upgrade, encryption); Derby's default
 * connection mode being read-only, it can only read. Derby instantiates this class by name.
 */
public final class ServedReaders implements UserAuthenticator {
    /** The one user of network connections. */
    static final String READER = "reader";

    /** What Derby's network server adds to each connection it makes for a client. */
    private static final String DRDA_ID = "drdaID";

    /** Connection attributes that change or end a database rather than read it. */
    private static final Set<String> DATABASE_OPERATIONS = Set.of(
            "create",
            "createfrom",
            "restorefrom",
            "rollforwardrecoveryfrom",
            "shutdown",
            "drop",
            "deregister",
            "upgrade",
            "dataencryption",
            "decryptdatabase",
            "bootpassword",
            "newbootpassword",
            "encryptionkey",
            "newencryptionkey",
            "logdevice");

    private static volatile String password;
    private static volatile Path database;

    /** Lets readers in with {@code secret}, to {@code served} (the active database's directory) only. */
    static void allow(String secret, Path served) {
        password = secret;
        database = served.toAbsolutePath().normalize();
    }

    /** The database being served, as the active one changed (a rebuild). */
    static void serving(Path served) {
        database = served.toAbsolutePath().normalize();
    }

    @Override
    public boolean authenticateUser(String userName, String userPassword, String databaseName, Properties info) {
        if (info == null || info.getProperty(DRDA_ID) == null) {
            return true; // this process's own connection
        }
        String secret = password;
        Path served = database;
        if (secret == null || served == null || databaseName == null) {
            return false; // nothing is served, or a system-wide request (such as shutting the server down)
        }
        for (String attribute : info.stringPropertyNames()) {
            if (DATABASE_OPERATIONS.contains(attribute.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return READER.equalsIgnoreCase(userName)
                && secret.equals(userPassword)
                && served.equals(Path.of(databaseName).toAbsolutePath().normalize());
    }
}
