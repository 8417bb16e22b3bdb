package dev.socketkit.cli;

import dev.socketkit.client.ClientException;
import dev.socketkit.server.ServerException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The root {@code socketkit} command, and the one place where the command line is put together. */
@Command(
        name = "socketkit",
        mixinStandardHelpOptions = true,
        versionProvider = SocketKitCommand.Version.class,
        description = "Socket servers and clients over TCP, UDP and Unix-domain sockets, on Netty.",
        subcommands = {
            ServeCommand.class,
            SendCommand.class,
            ResolveCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = ExitCodes.HELP)
final class SocketKitCommand {

    /**
     * The command line with every command, exit-code rule and error printer; {@link Main} and the tests both use it.
     * Errors are one line on {@code err}: {@code socketkit: WHAT IS WRONG}; stack traces only with {@code --debug}.
     */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new SocketKitCommand())
                .setOut(out)
                .setErr(err)
                .setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setParameterExceptionHandler((e, args) -> {
            String command = e.getCommandLine().getCommandName();
            e.getCommandLine()
                    .getErr()
                    .println("socketkit: " + e.getMessage() + " (see 'socketkit "
                            + (command.equals("socketkit") ? "" : command + " ") + "--help')");
            return ExitCodes.USAGE;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            // parsed is the top-level result; --debug belongs to the subcommand that failed.
            boolean debug = cmd.getParseResult().hasMatchedOption("--debug");
            int status;
            String message;
            if (e instanceof UsageException || e instanceof IllegalArgumentException) {
                status = ExitCodes.USAGE;
                message = e.getMessage();
            } else if (e instanceof ClientException client) {
                status = client.reason() == ClientException.Reason.TIMED_OUT ? ExitCodes.TIMEOUT : ExitCodes.FAILURE;
                message = e.getMessage();
            } else if (e instanceof ServerException || e instanceof IllegalStateException) {
                status = ExitCodes.FAILURE;
                message = e.getMessage();
            } else {
                status = ExitCodes.FAILURE;
                message = "unexpected error: " + e;
            }
            cmd.getErr().println("socketkit: " + message);
            if (debug) {
                e.printStackTrace(cmd.getErr());
            }
            cmd.getErr().flush();
            return status;
        });
        return commandLine;
    }

    /** The version from the jar's manifest; {@code dev} when run from classes. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SocketKitCommand.class.getPackage().getImplementationVersion();
            return new String[] {"socketkit " + (version != null ? version : "dev")};
        }
    }
}
