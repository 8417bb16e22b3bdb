package dev.socketkit.cli;

import dev.socketkit.client.ClientException;
import dev.socketkit.relay.RelayException;
import dev.socketkit.server.ServerException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;

/** The root {@code socketkit} command, and the one place where the command line is put together. */
@Command(
        name = "socketkit",
        mixinStandardHelpOptions = true,
        versionProvider = SocketKitCommand.Version.class,
        description = "Socket servers and clients over TCP, UDP and Unix-domain sockets, on Netty.",
        footer = ExitCodes.HELP)
final class SocketKitCommand {
    /** The commands, in the order {@code --help} lists them. */
    private static final List<String> COMMANDS =
            List.of("serve", "send", "relay", "toxiproxy", "resolve", "bench", "completion", "help");

    /** The commands that describe the others, and so need the whole command line built. */
    private static final List<String> DESCRIBING = List.of("completion", "help");

    /** The arguments that the root command answers alone: they name the commands but run none. */
    private static final List<String> ROOT_ONLY = List.of("--help", "-h", "--version", "-V");

    /**
     * The command line with every command, exit-code rule and error printer; {@link Main} and the tests both use it.
     * Errors are one line on {@code err}: {@code socketkit: WHAT IS WRONG}; stack traces only with {@code --debug}.
     */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        return newCommandLine(out, err, COMMANDS, false);
    }

    /**
     * The command line for {@code args}: when the first argument names a command other than {@code help} and {@code
     * completion}, only that command is built; for the root's own {@code --help} or {@code --version}, or no arguments (a
     * usage error), no command is built, only the {@link #listing} of each. picocli builds a command's model by reflection over all its options, and
     * its classes are compiled for Java 5, so the JVM can neither share them from the class-data archive nor verify them
     * quickly: for {@code socketkit send} the commands it would not run cost more than any other part of its start-up.
     */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err, String... args) {
        if (args.length == 0 || args.length == 1 && ROOT_ONLY.contains(args[0])) {
            return newCommandLine(out, err, COMMANDS, true);
        }
        boolean one = args.length > 0 && COMMANDS.contains(args[0]) && !DESCRIBING.contains(args[0]);
        return newCommandLine(out, err, one ? List.of(args[0]) : COMMANDS, false);
    }

    private static CommandLine newCommandLine(
            PrintWriter out, PrintWriter err, List<String> commands, boolean listingOnly) {
        CommandLine commandLine = new CommandLine(new SocketKitCommand());
        for (String name : commands) {
            commandLine.addSubcommand(name, listingOnly ? listing(name) : newCommand(name));
        }
        commandLine.setOut(out).setErr(err).setCaseInsensitiveEnumValuesAllowed(true);
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
            } else if (e instanceof ServerException
                    || e instanceof RelayException
                    || e instanceof IllegalStateException) {
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

    private static Object newCommand(String name) {
        try {
            return CommandLine.defaultFactory().create(commandClass(name));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the " + name + " command", e);
        }
    }

    /** The class of each command: {@link #newCommand} makes one, {@link #listing} reads its annotation alone. */
    private static Class<?> commandClass(String name) {
        return switch (name) {
            case "serve" -> ServeCommand.class;
            case "send" -> SendCommand.class;
            case "relay" -> RelayCommand.class;
            case "resolve" -> ResolveCommand.class;
            case "bench" -> BenchCommand.class;
            case "toxiproxy" -> ToxiproxyCommand.class;
            case "completion" -> CompletionCommand.class;
            case "help" -> CommandLine.HelpCommand.class;
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    /**
     * A command as the root's {@code --help} lists it: its name, header and description, read from its {@code @Command}
     * annotation alone. The full model (every option, by reflection over the command's fields) is what {@code
     * socketkit --help} spent most of its own work on, for a list that shows one line per command; the list printed
     * from this is the same text, since picocli renders both from these three values ({@code SocketKitCommandTest}).
     */
    private static CommandSpec listing(String name) {
        Command command = commandClass(name).getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.create().name(name).aliases(command.aliases());
        spec.usageMessage()
                .header(command.header())
                .description(command.description())
                .hidden(command.hidden());
        return spec;
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
