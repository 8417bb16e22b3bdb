package dev.socketkit.cli;

import static dev.socketkit.cli.SocketKitProcess.EXIT_OK;
import static dev.socketkit.cli.SocketKitProcess.EXIT_USAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code socketkit completion bash|zsh}, in the shells themselves: the script a real bash sources completes commands,
 * options and values exactly as the command line's model has them; a real zsh, on a pseudo-terminal, completes a TAB
 * with it, sourced or found on {@code $fpath}; the build's scripts are the command's; any other shell is refused.
 */
@Timeout(180)
class CompletionCommandIT {
    // Generous: a shell starts in milliseconds, but a busy two-core build machine can take seconds.
    private static final Duration SHELL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * How bash calls a completion function: COMP_* set from the words, then FUNCTION COMMAND WORD PREVIOUS_WORD. Only
     * readline's own call lets the function change completion options, so compopt, which the script calls to turn off
     * file-name completion, is a no-op here (the builtin would complain on stderr).
     */
    private static final String COMPLETE = "source \"$1\"; compopt() { :; }; fn=$2; shift 2; COMP_WORDS=(\"$@\");"
            + " COMP_CWORD=$(($# - 1)); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; COMPREPLY=();"
            + " \"$fn\" \"$1\" \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD - 1]}\";"
            + " for reply in \"${COMPREPLY[@]}\"; do printf 'reply<%s>\\n' \"$reply\"; done";

    @TempDir
    static Path dir;

    private static Path bashScript;
    private static Path zshScript;

    @BeforeAll
    static void printTheScripts() throws Exception {
        bashScript = print("bash", dir.resolve("socketkit.bash"));
        // zsh finds completion functions on $fpath by file name: a directory of its own, holding only _socketkit.
        zshScript = print("zsh", Files.createDirectories(dir.resolve("zsh")).resolve("_socketkit"));
    }

    @Test
    void bashRegistersTheFunctionThatCompletesSocketkit() throws Exception {
        String function = completionFunction();

        List<String> declared = bash("source \"$1\"; declare -F \"$2\"", bashScript.toString(), function);
        assertEquals(List.of(function), declared, "complete -p names a function the script defines");
    }

    @Test
    void aCommandCompletesFromItsFirstLetter() throws Exception {
        List<String> replies = complete("socketkit", "s");

        assertEquals(List.of("send", "serve"), replies);
        assertEquals(commandsStartingWith("s"), replies, "the commands the model has");
    }

    @Test
    void anEmptyWordOffersEveryCommand() throws Exception {
        assertEquals(commandsStartingWith(""), complete("socketkit", ""));
    }

    @Test
    void anOptionCompletesFromItsPrefix() throws Exception {
        List<String> replies = complete("socketkit", "serve", "--tl");

        assertTrue(replies.contains("--tls"), () -> "replies " + replies);
        assertEquals(optionsStartingWith("serve", "--tl"), replies, "serve's --tl... options in the model");
    }

    @Test
    void everyOptionOfEveryCommandIsOffered() throws Exception {
        for (CommandSpec spec : CommandModel.commands()) {
            List<String> words = new ArrayList<>(List.of(spec.qualifiedName().split(" ")));
            words.add("-");
            List<String> replies = complete(words.toArray(String[]::new));
            assertEquals(
                    new TreeSet<>(CommandModel.optionNames(spec)),
                    new TreeSet<>(replies),
                    () -> "options offered for '" + String.join(" ", words) + "'");
        }
    }

    @Test
    void serverKindsAndShellsAreCompleted() throws Exception {
        assertEquals(List.of("echo"), complete("socketkit", "serve", "e"));
        assertEquals(List.of("echo", "print", "reply", "welcome"), complete("socketkit", "serve", ""));
        assertEquals(List.of("bash", "zsh"), complete("socketkit", "completion", ""));
    }

    @Test
    void theReadmesInstallLineRegistersTheCompletion() throws Exception {
        String command = "source <(\"$1\" -jar \"$2\" completion bash); complete -p socketkit";

        List<String> registered =
                bash(command, SocketKitProcess.java(), SocketKitProcess.jar().toString());
        assertEquals(1, registered.size(), () -> "complete -p: " + registered);
        assertTrue(registered.get(0).contains(" -F " + completionFunction() + " "), () -> "complete -p: " + registered);
    }

    @Test
    void theBuildWritesTheScriptsTheCommandPrints() throws Exception {
        Path built = Path.of(System.getProperty("socketkit.completion.dir", "(socketkit.completion.dir not set)"));
        assertEquals(Files.readString(bashScript), Files.readString(built.resolve("socketkit.bash")), "bash script");
        assertEquals(Files.readString(zshScript), Files.readString(built.resolve("_socketkit")), "zsh script");
    }

    @Test
    void anUnknownShellIsAUsageErrorThatNamesTheShellsThereAre() throws Exception {
        try (SocketKitProcess fish = SocketKitProcess.start("completion", "fish")) {
            fish.assertRefused(EXIT_USAGE, "'fish'", "bash", "zsh");
        }
        try (SocketKitProcess none = SocketKitProcess.start("completion")) {
            none.assertRefused(EXIT_USAGE, "SHELL");
        }
    }

    /**
     * A real TAB in a real interactive zsh: zsh-tab.zsh runs one on a pseudo-terminal (zsh's zpty module) and prints
     * the line as completion left it. Sourced from ~/.zshrc or found as _socketkit on $fpath, the first TAB completes.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"source", "fpath"})
    void zshCompletesTheFirstTab(String mode) throws Exception {
        assumeTrue(SocketKitProcess.installed("zsh"), "zsh is not installed (.ci/run installs it)");
        Path driver = dir.resolve("zsh-tab.zsh");
        try (InputStream in = CompletionCommandIT.class.getResourceAsStream("zsh-tab.zsh")) {
            Files.copy(in, driver, StandardCopyOption.REPLACE_EXISTING);
        }

        assertEquals("socketkit resolve ", zshTab(driver, mode, "socketkit reso"));
        assertEquals("socketkit serve --tls-engine ", zshTab(driver, mode, "socketkit serve --tls-e"));
        assertEquals("socketkit serve welcome ", zshTab(driver, mode, "socketkit serve we"));
    }

    private static String zshTab(Path driver, String mode, String words) throws Exception {
        List<String> lines = run(List.of("zsh", "-f", driver.toString(), mode, zshScript.toString(), words));
        assertEquals(1, lines.size(), () -> "zsh-tab.zsh printed " + lines);
        return lines.get(0);
    }

    /** What the function {@code complete -p socketkit} names puts in COMPREPLY for {@code words}, sorted. */
    private static List<String> complete(String... words) throws Exception {
        List<String> args = new ArrayList<>(List.of(bashScript.toString(), completionFunction()));
        args.addAll(List.of(words));
        List<String> replies = new ArrayList<>();
        for (String line : bash(COMPLETE, args.toArray(String[]::new))) {
            assertTrue(line.startsWith("reply<") && line.endsWith(">"), () -> "bash printed " + line);
            replies.add(line.substring("reply<".length(), line.length() - 1));
        }
        return List.copyOf(new TreeSet<>(replies));
    }

    /** The function {@code complete -p socketkit} names, after bash sources the script. */
    private static String completionFunction() throws Exception {
        List<String> spec = bash("source \"$1\"; complete -p socketkit", bashScript.toString());
        assertEquals(1, spec.size(), () -> "complete -p socketkit: " + spec);
        Matcher function = Pattern.compile("^complete .*-F (\\S+) .*socketkit$").matcher(spec.get(0));
        assertTrue(function.matches(), () -> "complete -p socketkit: " + spec);
        return function.group(1);
    }

    private static List<String> commandsStartingWith(String prefix) {
        return List.copyOf(new TreeSet<>(CommandModel.root().subcommands().keySet().stream()
                .filter(name -> name.startsWith(prefix))
                .toList()));
    }

    private static List<String> optionsStartingWith(String command, String prefix) {
        return List.copyOf(new TreeSet<>(CommandModel.optionNames(CommandModel.command(command)).stream()
                .filter(name -> name.startsWith(prefix))
                .toList()));
    }

    /** {@code bash -c SCRIPT bash ARGS}, no rc files; its stdout lines, once it exits 0 with nothing on stderr. */
    private static List<String> bash(String script, String... args) throws Exception {
        assumeTrue(SocketKitProcess.installed("bash"), "bash is not installed");
        List<String> command = new ArrayList<>(List.of("bash", "--norc", "--noprofile", "-c", script, "bash"));
        command.addAll(List.of(args));
        return run(command);
    }

    private static List<String> run(List<String> command) throws Exception {
        try (SocketKitProcess shell = SocketKitProcess.startProgram(command)) {
            shell.closeStdin();
            assertEquals(0, shell.awaitExit(SHELL_TIMEOUT), () -> "exit status; " + shell);
            assertEquals(List.of(), shell.stderr(), () -> "stderr; " + shell);
            return shell.stdout();
        }
    }

    /** Runs {@code socketkit completion SHELL} with stdout going to {@code file}, exactly as printed. */
    private static Path print(String shell, Path file) throws IOException, InterruptedException {
        Path errors = Files.createTempFile(dir, "stderr-", ".txt");
        Process process = SocketKitProcess.builder(List.of(), List.of(), "completion", shell)
                .redirectOutput(file.toFile())
                .redirectError(errors.toFile())
                .start();
        try {
            assertTrue(process.waitFor(SocketKitProcess.EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "still running");
            assertEquals(EXIT_OK, process.exitValue(), () -> "socketkit completion " + shell + ": " + read(errors));
            assertEquals("", read(errors), "stderr of socketkit completion " + shell);
            assertTrue(Files.size(file) > 0, "socketkit completion " + shell + " printed nothing");
            return file;
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
