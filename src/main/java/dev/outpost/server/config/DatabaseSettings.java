package dev.outpost.server.config;

/**
 * Where the server's PostgreSQL is: the {@code db.*} settings. The WAR's datasource is built from the
 * same properties ({@code web.xml}); capture opens its own connections with them.
 *
 * @param password empty for a server that trusts the connection
 */
public record DatabaseSettings(String host, int port, String name, String user, String password) {
    /** {@code jdbc:postgresql://host:port/name}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return user + "@" + host + ":" + port + "/" + name;
    }
}
