package dev.outpost.modulecheck;

import dev.outpost.client.OutpostReplica;
import dev.outpost.client.ReplicaConfig;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.TreeSet;

/**
 * Creates a replica from the server at {@code args[0]} in directory {@code args[1]}, syncs it again,
 * reads it through JDBC, and prints what it found as {@code key=value} lines: the modules it ran in,
 * the sync outcomes, a row count, and for every package of the client whether it is exported or open
 * to this module and whether a public method of an internal class can be called reflectively.
 */
public final class ReplicaOnModulePath {
    private ReplicaOnModulePath() {}

    public static void main(String[] args) throws Exception {
        Module client = OutpostReplica.class.getModule();
        System.out.println("module=" + ReplicaOnModulePath.class.getModule().getName());
        System.out.println("client=" + client.getName());
        ReplicaConfig config = ReplicaConfig.builder()
                .serverUrl(URI.create(args[0]))
                .token("module-path")
                .directory(Path.of(args[1]))
                .pageRows(1000)
                .compression(ReplicaConfig.Compression.ALWAYS)
                .build();
        try (OutpostReplica replica = OutpostReplica.open(config)) {
            System.out.println("first=" + replica.sync().outcome());
            System.out.println("second=" + replica.sync().outcome());
            try (Connection c = replica.openConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("select count(*) from order_lines")) {
                rs.next();
                System.out.println("order_lines=" + rs.getLong(1));
            }
        }
        Module self = ReplicaOnModulePath.class.getModule();
        ModuleDescriptor descriptor = client.getDescriptor();
        for (String pkg : new TreeSet<>(descriptor.packages())) {
            System.out.println("package " + pkg + " exported=" + client.isExported(pkg, self) + " open="
                    + client.isOpen(pkg, self));
        }
        try {
            Object quoted = Class.forName("dev.outpost.client.internal.schema.Identifiers")
                    .getMethod("sql", String.class)
                    .invoke(null, "order");
            System.out.println("internal-call=allowed " + quoted);
        } catch (IllegalAccessException e) {
            System.out.println("internal-call=refused");
        }
    }
}
