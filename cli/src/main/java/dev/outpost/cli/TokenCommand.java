package dev.outpost.cli;

import dev.outpost.protocol.AdminPaths;
import dev.outpost.protocol.AuditEntry;
import dev.outpost.protocol.CreatedToken;
import dev.outpost.protocol.TokenInfo;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.io.PrintWriter;
import java.lang.reflect.Type;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code outpost admin token create|list|update|revoke|audit}: the server's stored tokens. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "Create, list, change and revoke the server's stored tokens, and read their audit.",
        subcommands = {
            TokenCommand.Create.class,
            TokenCommand.ListTokens.class,
            TokenCommand.Update.class,
            TokenCommand.Revoke.class,
            TokenCommand.Audit.class
        })
final class TokenCommand implements Runnable {
    private static final Type TOKEN_LIST =
            new ArrayList<TokenInfo>() {}.getClass().getGenericSuperclass();
    private static final Type AUDIT_LIST =
            new ArrayList<AuditEntry>() {}.getClass().getGenericSuperclass();

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: create, list, update, revoke or audit");
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = {
                "Create a token and print its secret, shown this once.",
                "Example: outpost admin token create --name laptop-17 --role replica --grant users"
                        + " --grant 'companies:id,name' --filter 'users=company_id = :company' --attr company=7"
            })
    static final class Create implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Mixin
        GrantOptions access;

        @Option(names = "--name", required = true, description = "A name for people, unique among live tokens")
        String name;

        @Option(
                names = "--role",
                required = true,
                description = "replica (reads its grants), writer (also writes), admin (the admin API)"
                        + " or metrics (reads /api/metrics, for a scraper)")
        String role;

        @Option(
                names = "--expires",
                paramLabel = "TIME",
                description = "When it stops working, e.g. 2030-01-31T00:00:00Z")
        String expires;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonObjectBuilder body =
                    Json.createObjectBuilder().add("name", name).add("role", role);
            if (expires != null) {
                body.add("expires", time(spec, expires));
            }
            body.add("grants", access.grantsJson(spec));
            body.add("attributes", access.attributesJson(spec));
            CreatedToken created = options.client()
                    .send("POST", AdminPaths.TOKENS, body.build().toString(), CreatedToken.class);
            PrintWriter out = spec.commandLine().getOut();
            print(out, created.token());
            out.println("secret:     " + created.secret());
            out.println("(the secret is shown this once; the server keeps only its hash)");
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every token, revoked ones too.")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<TokenInfo> tokens = options.client().get(AdminPaths.TOKENS, TOKEN_LIST);
            TextTable table = new TextTable(
                    List.of("id", "name", "role", "state", "expires", "last used", "grants", "attributes"));
            for (TokenInfo t : tokens) {
                table.add(List.of(
                        Long.toString(t.id()),
                        t.name(),
                        t.role(),
                        t.revoked() != null ? "revoked " + t.revoked() : "live",
                        t.expires() == null ? "never" : t.expires().toString(),
                        t.lastUsed() == null ? "never" : t.lastUsed().toString(),
                        grants(t),
                        t.attributes() == null ? "" : t.attributes().toString()));
            }
            table.print(spec.commandLine().getOut());
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "update",
            mixinStandardHelpOptions = true,
            description = {
                "Change a token; what is not given stays as it is.",
                "Any --grant or --filter replaces all its grants, any --attr all its attributes."
            })
    static final class Update implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Mixin
        GrantOptions access;

        @Parameters(index = "0", paramLabel = "ID", description = "The token's id (see list)")
        long id;

        @Option(names = "--name", description = "A new name")
        String name;

        @Option(names = "--expires", paramLabel = "TIME|never", description = "A new expiry, or never")
        String expires;

        @Option(names = "--no-grants", description = "Remove every grant: the token reads nothing")
        boolean noGrants;

        @Option(names = "--no-attrs", description = "Remove every attribute")
        boolean noAttributes;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            JsonObjectBuilder body = Json.createObjectBuilder();
            if (name != null) {
                body.add("name", name);
            }
            if (expires != null) {
                if (expires.equals("never")) {
                    body.addNull("expires");
                } else {
                    body.add("expires", time(spec, expires));
                }
            }
            if (noGrants && access.hasGrants()) {
                throw new ParameterException(spec.commandLine(), "--no-grants goes with no --grant or --filter");
            }
            if (noAttributes && access.hasAttributes()) {
                throw new ParameterException(spec.commandLine(), "--no-attrs goes with no --attr");
            }
            if (noGrants || access.hasGrants()) {
                body.add("grants", access.grantsJson(spec));
            }
            if (noAttributes || access.hasAttributes()) {
                body.add("attributes", access.attributesJson(spec));
            }
            String json = body.build().toString();
            if (json.equals("{}")) {
                throw new ParameterException(
                        spec.commandLine(),
                        "nothing to change: give --name, --expires, --grant,"
                                + " --filter, --attr, --no-grants or --no-attrs");
            }
            TokenInfo token = options.client().send("PATCH", AdminPaths.TOKENS + "/" + id, json, TokenInfo.class);
            print(spec.commandLine().getOut(), token);
            return ExitCodes.OK;
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke a token for good; requests with it are refused within a second.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "ID", description = "The token's id (see list)")
        long id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            TokenInfo token =
                    options.client().send("POST", AdminPaths.TOKENS + "/" + id + "/revoke", null, TokenInfo.class);
            print(spec.commandLine().getOut(), token);
            return ExitCodes.OK;
        }
    }

    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Show the newest admin actions.")
    static final class Audit implements Callable<Integer> {
        @Mixin
        AdminOptions options;

        @Option(names = "--limit", defaultValue = "50", description = "How many (default: ${DEFAULT-VALUE})")
        int limit;

        @Option(names = "--id", description = "Only those about this token")
        Long id;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            List<AuditEntry> entries = options.client()
                    .get(
                            AdminPaths.AUDIT + "?" + AdminPaths.LIMIT_PARAM + "=" + limit
                                    + (id == null ? "" : "&" + AdminPaths.TOKEN_PARAM + "=" + id),
                            AUDIT_LIST);
            TextTable table = new TextTable(List.of("at", "who", "what", "token", "detail"));
            for (AuditEntry e : entries) {
                table.add(List.of(
                        e.at().toString(),
                        e.who(),
                        e.what(),
                        e.tokenId() == null ? "" : e.tokenId().toString(),
                        e.detail()));
            }
            table.print(spec.commandLine().getOut());
            return ExitCodes.OK;
        }
    }

    private static String time(CommandSpec spec, String value) {
        try {
            return OffsetDateTime.parse(value).toString();
        } catch (DateTimeParseException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--expires '" + value + "': write a time with offset, e.g. 2030-01-31T00:00:00Z");
        }
    }

    private static void print(PrintWriter out, TokenInfo t) {
        out.println("id:         " + t.id());
        out.println("name:       " + t.name());
        out.println("role:       " + t.role());
        out.println("state:      " + (t.revoked() != null ? "revoked " + t.revoked() : "live"));
        out.println("expires:    " + (t.expires() == null ? "never" : t.expires()));
        out.println("grants:     " + grants(t));
        out.println("attributes: " + (t.attributes() == null ? "{}" : t.attributes()));
        out.flush();
    }

    private static String grants(TokenInfo t) {
        if (t.grants() == null || t.grants().isEmpty()) {
            return "none";
        }
        return t.grants().stream()
                .map(g -> g.table()
                        + (g.columns() == null ? "" : ":" + String.join(",", g.columns()))
                        + (g.rowFilter() == null ? "" : " where " + g.rowFilter()))
                .collect(Collectors.joining("; "));
    }
}
