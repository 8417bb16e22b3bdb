package dev.socketkit.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit completion bash|zsh}: prints a completion script made from the command line's own model, so that
 * what the shell completes is what {@code --help} lists. The build writes the same scripts to {@code
 * target/completion} with {@link #script}.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print a shell completion script for socketkit's commands and options to stdout. It is made from the same"
                    + " model as --help and the man pages, so the three never disagree.",
            "",
            "  bash  source <(socketkit completion bash)        in ~/.bashrc",
            "  zsh   source <(socketkit completion zsh)         in ~/.zshrc",
            "        or save it as _socketkit in a directory on $fpath",
            "",
            "zsh runs the bash script through its bashcompinit, which the script loads (with compinit) when they are"
                    + " not loaded yet; the zsh script adds the '#compdef socketkit' line that lets zsh load it from"
                    + " $fpath, and completes the very first TAB when it does.",
            ""
        },
        footer = CompletionCommand.EXIT_STATUS)
final class CompletionCommand implements Callable<Integer> {
    /** This command's exit statuses, in the layout of {@link ExitCodes#HELP}. */
    static final String EXIT_STATUS = "%nExit status:%n"
            + "  0  the script is on stdout%n"
            + "  2  usage error: a SHELL other than bash or zsh, unknown option%n";

    /** The name the scripts complete: the command a user types. */
    static final String NAME = "socketkit";

    /** The shells a script is made for. */
    enum Shell {
        BASH,
        ZSH;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The file name the script is installed under: what bash-completion and zsh's {@code $fpath} look for. */
        String fileName() {
            return this == BASH ? NAME + ".bash" : "_" + NAME;
        }

        static Shell parse(String text) {
            for (Shell shell : values()) {
                if (shell.toString().equals(text.toLowerCase(Locale.ROOT))) {
                    return shell;
                }
            }
            throw new UsageException("unknown shell '" + text + "'; use bash or zsh");
        }
    }

    /** What {@code socketkit completion <TAB>} offers. */
    static final class Shells implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Shell.values()).map(Shell::toString).iterator();
        }
    }

    /**
     * What the zsh script adds before the bash one. Everything else zsh needs (compinit, bashcompinit, a {@code
     * compopt} alias) picocli's script already does when it finds {@code $ZSH_VERSION}.
     */
    private static final String ZSH_PREAMBLE = "#compdef " + NAME + "\n"
            + "# socketkit completion for zsh: the bash script below, run by zsh's bashcompinit.\n"
            + "# Either source it from ~/.zshrc (source <(socketkit completion zsh)), or save it as _socketkit in a\n"
            + "# directory on $fpath before compinit runs.\n";

    /**
     * What the zsh script adds after the bash one: zsh runs a {@code _socketkit} file it finds on {@code $fpath} as the
     * completion function itself, so that first run only registers the bash function; it then completes the word the
     * TAB was pressed for, which zsh would otherwise leave to the second TAB. When sourced, it does nothing.
     */
    private static final String ZSH_POSTAMBLE = "\n# Loaded from $fpath: complete the TAB that loaded this file.\n"
            + "if [[ ${funcstack[1]-} == _" + NAME + " ]]; then ${=_comps[" + NAME + "]}; fi\n";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.", completionCandidates = Shells.class)
    String shell;

    @Override
    public Integer call() {
        Shell chosen = Shell.parse(shell);
        PrintWriter out = spec.commandLine().getOut();
        out.print(script(chosen, spec.root().commandLine()));
        out.flush();
        return ExitCodes.OK;
    }

    /**
     * The completion script for {@code shell}, from picocli's {@link AutoComplete} over {@code root}, the whole command
     * line ({@link SocketKitCommand#newCommandLine(PrintWriter, PrintWriter)}).
     */
    static String script(Shell shell, CommandLine root) {
        String bash = AutoComplete.bash(NAME, root);
        return shell == Shell.BASH ? bash : ZSH_PREAMBLE + bash + ZSH_POSTAMBLE;
    }
}
