package dev.outpost.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code outpost admin}: administer the server through its admin API (an admin token). */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = "Administer the server with an admin token: its stored tokens and their audit.",
        subcommands = {TokenCommand.class})
final class AdminCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: token");
    }
}
