/**
 * The Outpost client: an offline read replica of the server's synced tables in embedded Apache Derby.
 * Only {@code dev.outpost.client} is exported; everything under {@code dev.outpost.client.internal} is
 * encapsulated.
 */
module dev.outpost.client {
    exports dev.outpost.client;

    // ReplicaStatus carries the server's VersionInfo; openConnection() returns a java.sql.Connection
    requires transitive dev.outpost.protocol;
    requires transitive java.sql;
    requires java.net.http;
    requires java.sql.rowset;
    requires org.apache.derby.engine;
    requires org.hibernate.orm.core;
    requires jakarta.json.bind;
    requires aircompressor;
    requires org.slf4j;

    // Hibernate ORM and aircompressor are automatic modules, which cannot name what they need at run
    // time: the schema export loads its Derby dialect by name, Jakarta Persistence, JBoss Logging and
    // JAXB (which reads the mapping XML); the zstd decoder uses sun.misc.Unsafe
    requires org.hibernate.orm.community.dialects;
    requires jakarta.persistence;
    requires jakarta.xml.bind;
    requires org.jboss.logging;
    requires jdk.unsupported;

    // Derby compiles each statement into a class of its own unnamed module, which calls the table
    // function PageFunction.rows directly: its package must be accessible to every unnamed module
    opens dev.outpost.client.internal.load;
}
