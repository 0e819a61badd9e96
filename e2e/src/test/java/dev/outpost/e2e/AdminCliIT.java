package dev.outpost.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.outpost.server.testsupport.TestLiquibase;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code outpost admin token ...} against the WAR on Payara Micro: a token provisioned with the
 * command line reads the server, is listed, changed and revoked, and each failure exits with its code.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminCliIT {
    private static final String SYNC_TOKEN = "e2e-admin-cli-sync";
    private static final String ADMIN_TOKEN = "e2e-admin-cli-admin";

    private final Path runDir =
            Path.of(System.getProperty("outpost.runDir", "target")).toAbsolutePath();
    private OutpostStack stack;
    private String url;

    @BeforeAll
    void startServer() throws Exception {
        stack = OutpostStack.start("admincli", SYNC_TOKEN, "outpost.admin-tokens=" + ADMIN_TOKEN + "\n", c -> {
            TestLiquibase.update(c, TestLiquibase.MASTER, "1.0");
            DemoData.release1(c, 2, 20);
        });
        url = stack.server().baseUri().toString();
    }

    @AfterAll
    void stopServer() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTokenProvisionedWithTheAdminVerbReadsTheServerUntilItIsRevoked() throws Exception {
        Cli.Run created = admin(
                "create",
                "--name",
                "laptop-17",
                "--role",
                "replica",
                "--grant",
                "users",
                "--grant",
                "companies:id,name",
                "--filter",
                "users=company_id in (:company)",
                "--attr",
                "company=7");
        assertEquals(0, created.exit(), created.toString());
        String secret = value(created.out(), "secret:");
        String id = value(created.out(), "id:");
        assertTrue(secret.startsWith("op_"), created.toString());
        assertTrue(
                created.out().contains("companies:id,name; users where company_id in (:company)"), created.toString());

        Cli.Run status = Cli.run(runDir, "status", "--server", url, "--token", secret, "--replica", replica());
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("server: tag 1.0"), status.toString());

        Cli.Run listed = admin("list");
        assertEquals(0, listed.exit(), listed.toString());
        assertTrue(listed.out().contains("laptop-17"), listed.toString());
        assertTrue(!listed.out().contains(secret), "the secret is shown once");

        Cli.Run updated =
                admin("update", id, "--attr", "company=8", "--attr", "company=9", "--expires", "2099-01-01T00:00Z");
        assertEquals(0, updated.exit(), updated.toString());
        assertTrue(updated.out().contains("{company=[8, 9]}"), updated.toString());
        assertTrue(updated.out().contains("expires:    2099-01-01T00:00Z"), updated.toString());

        Cli.Run revoked = admin("revoke", id);
        assertEquals(0, revoked.exit(), revoked.toString());
        assertTrue(revoked.out().contains("state:      revoked"), revoked.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Cli.Run refused;
        do {
            refused = Cli.run(runDir, "status", "--server", url, "--token", secret, "--replica", replica());
        } while (refused.exit() == 0 && System.nanoTime() < deadline);
        assertEquals(4, refused.exit(), "authentication failed: " + refused);

        Cli.Run again = admin("revoke", id);
        assertEquals(1, again.exit(), again.toString());
        assertTrue(again.err().contains("is revoked"), again.toString());

        Cli.Run audit = admin("audit", "--id", id);
        assertEquals(0, audit.exit(), audit.toString());
        assertTrue(audit.out().contains("token.create") && audit.out().contains("token.revoke"), audit.toString());
    }

    @Test
    void theAdminVerbExitsWithAClearMessageAndItsCode() throws Exception {
        Cli.Run notAdmin = Cli.run(runDir, "admin", "token", "list", "--server", url, "--token", SYNC_TOKEN);
        assertEquals(4, notAdmin.exit(), notAdmin.toString());
        assertTrue(notAdmin.err().contains("not an admin token"), notAdmin.toString());

        Cli.Run unknownTable = admin("create", "--name", "x", "--role", "replica", "--grant", "nope");
        assertEquals(1, unknownTable.exit(), unknownTable.toString());
        assertTrue(unknownTable.err().contains("no synced table named 'nope'"), unknownTable.toString());
        assertTrue(!unknownTable.err().contains("\tat "), "one clear line, no stack trace: " + unknownTable);

        Cli.Run filterWithoutGrant = admin("create", "--name", "x", "--role", "replica", "--filter", "users=id = 1");
        assertEquals(2, filterWithoutGrant.exit(), filterWithoutGrant.toString());
        assertTrue(filterWithoutGrant.err().contains("grant table 'users'"), filterWithoutGrant.toString());

        Cli.Run noRole = admin("create", "--name", "x");
        assertEquals(2, noRole.exit(), noRole.toString());

        Cli.Run unknownId = admin("revoke", "999999");
        assertEquals(1, unknownId.exit(), unknownId.toString());
        assertTrue(unknownId.err().contains("no token with id 999999"), unknownId.toString());
    }

    private Cli.Run admin(String... args) throws Exception {
        String[] all = new String[args.length + 6];
        all[0] = "admin";
        all[1] = "token";
        System.arraycopy(args, 0, all, 2, args.length);
        all[args.length + 2] = "--server";
        all[args.length + 3] = url;
        all[args.length + 4] = "--token";
        all[args.length + 5] = ADMIN_TOKEN;
        return Cli.run(runDir, all);
    }

    private String replica() {
        return stack.work().resolve("admin-cli").toString();
    }

    private static String value(String out, String key) {
        return out.lines()
                .filter(l -> l.startsWith(key))
                .map(l -> l.substring(key.length()).trim())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + key + "' line in:\n" + out));
    }
}
