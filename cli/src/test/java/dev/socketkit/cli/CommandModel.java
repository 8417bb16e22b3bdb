package dev.socketkit.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The command line's own model, what {@code --help}, the completion scripts and the man pages are all made from: the
 * tests compare what a shell completes and what {@code man} shows against it, so an option left out fails them.
 */
final class CommandModel {
    private CommandModel() {}

    /** The root command with every subcommand. */
    static CommandSpec root() {
        StringWriter ignored = new StringWriter();
        return SocketKitCommand.newCommandLine(new PrintWriter(ignored), new PrintWriter(ignored))
                .getCommandSpec();
    }

    /** The root and every command under it that is not hidden, parents first. */
    static List<CommandSpec> commands() {
        List<CommandSpec> all = new ArrayList<>();
        add(root(), all);
        return all;
    }

    private static void add(CommandSpec spec, List<CommandSpec> all) {
        all.add(spec);
        for (CommandLine sub : spec.subcommands().values()) {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                add(sub.getCommandSpec(), all);
            }
        }
    }

    /** Every name of every option of {@code spec} that is not hidden: {@code -v} and {@code --verbose} both. */
    static List<String> optionNames(CommandSpec spec) {
        return spec.options().stream()
                .filter(option -> !option.hidden())
                .map(OptionSpec::names)
                .flatMap(Stream::of)
                .toList();
    }

    /** The command named {@code name} under the root. */
    static CommandSpec command(String name) {
        return root().subcommands().get(name).getCommandSpec();
    }
}
