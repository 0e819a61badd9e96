package dev.outpost.cli;

import dev.outpost.client.OutpostException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code outpost}: keep an offline read replica of an Outpost server and query it. */
@Command(
        name = "outpost",
        mixinStandardHelpOptions = true,
        version = "outpost 0.1.0-SNAPSHOT",
        description = "Keeps an offline read replica (embedded Apache Derby) of an Outpost server's tables.",
        subcommands = {SyncCommand.class, StatusCommand.class, SqlCommand.class, VerifyCommand.class, AdminCommand.class
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success (also sync --live stopped by Ctrl-C or SIGTERM)",
            "1:other failure",
            "2:usage error",
            "3:server unreachable",
            "4:authentication failed",
            "5:schema unsupported",
            "6:verify found a difference",
            "7:sql: the query has a mistake (Derby's message and hints on stderr)"
        })
public final class OutpostCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    static int run(String... args) {
        boolean verbose = java.util.List.of(args).contains("--verbose");
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
        }
        // Hibernate's pool warning concerns DDL only, one short-lived connection per rebuild
        System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.hibernate.orm.connections.pooling", "error");
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j"); // Hibernate logs through the same binding
        }
        CommandLine cli = new CommandLine(new OutpostCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            if (e instanceof QueryFailed q) {
                commandLine.getErr().println("outpost: query failed: " + q.getMessage());
                q.hints().forEach(hint -> commandLine.getErr().println("hint: " + hint));
                return ExitCodes.QUERY_FAILED;
            }
            if (e instanceof OutpostException o) {
                commandLine.getErr().println("outpost: " + o.code() + ": " + o.getMessage());
                return ExitCodes.of(o.code());
            }
            commandLine.getErr().println("outpost: " + e);
            return ExitCodes.OTHER;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing subcommand: sync, status, sql, verify or admin");
    }
}
