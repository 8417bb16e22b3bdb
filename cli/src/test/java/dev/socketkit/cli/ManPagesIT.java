package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The man pages the build writes to {@code target/man}, as {@code man -l} renders them: one per command, each with its
 * sections, and in each every option and argument the command line's model has, so a page cannot fall behind
 * {@code --help}.
 */
@Timeout(120)
class ManPagesIT {
    private static final Duration MAN_TIMEOUT = Duration.ofSeconds(30);

    private static Path manDir;

    @BeforeAll
    static void thePagesWereBuilt() {
        assumeFalse(
                Boolean.getBoolean("socketkit.man.skip"),
                "the build skipped the man pages (socketkit.man.skip, which follows -Dmaven.javadoc.skip=true)");
        assumeTrue(SocketKitProcess.installed("man"), "man is not installed (.ci/run installs man-db)");
        manDir = Path.of(System.getProperty("socketkit.man.dir", "(socketkit.man.dir not set)"));
        assertTrue(Files.isDirectory(manDir), () -> "the build wrote no man pages to " + manDir);
    }

    static Stream<String> commands() {
        return CommandModel.commands().stream().map(CommandSpec::qualifiedName);
    }

    @Test
    void thereIsOnePagePerCommandAndNoOther() throws IOException {
        Set<String> expected = commands().map(ManPagesIT::pageName).collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> files = Files.list(manDir)) {
            Set<String> pages =
                    files.map(file -> file.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(expected, pages);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commands")
    void thePageShowsEveryOptionAndArgumentOfTheCommand(String command) throws Exception {
        CommandSpec spec = CommandModel.commands().stream()
                .filter(candidate -> candidate.qualifiedName().equals(command))
                .findFirst()
                .orElseThrow();

        String page = render(manDir.resolve(pageName(command)));

        for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS")) {
            assertTrue(hasSection(page, section), () -> "no " + section + " section in\n" + page);
        }
        assertTrue(
                Pattern.compile("(?m)^NAME\\n\\s+" + Pattern.quote(command.replace(' ', '-')) + " - ")
                        .matcher(page)
                        .find(),
                () -> "NAME does not name " + command + " in\n" + page);
        for (String option : CommandModel.optionNames(spec)) {
            assertTrue(hasWord(page, option), () -> "option " + option + " missing from\n" + page);
        }
        for (PositionalParamSpec positional : spec.positionalParameters()) {
            assertTrue(hasSection(page, "ARGUMENTS"), () -> "no ARGUMENTS section in\n" + page);
            assertTrue(hasWord(page, positional.paramLabel()), () -> positional.paramLabel() + " missing in\n" + page);
        }
        for (String sub : spec.subcommands().keySet()) {
            assertTrue(hasSection(page, "COMMANDS"), () -> "no COMMANDS section in\n" + page);
            assertTrue(hasWord(page, sub), () -> "command " + sub + " missing from\n" + page);
        }
        if (spec.usageMessage().footer().length > 0) {
            assertTrue(hasSection(page, "EXIT STATUS"), () -> "no EXIT STATUS section in\n" + page);
        }
    }

    /** {@code socketkit serve} is on {@code socketkit-serve.1}, as {@code man socketkit-serve} finds it. */
    private static String pageName(String command) {
        return command.replace(' ', '-') + ".1";
    }

    /**
     * {@code man -l PAGE} as a user reads it, in a UTF-8 locale (where a wrongly escaped hyphen would turn into a
     * typographic one, and no option could be copied from the page); formatting left out, as on a pipe. groff's
     * warnings (a macro it does not know, a line it cannot fit) go to stderr, so stderr must be empty.
     */
    private static String render(Path page) throws Exception {
        List<String> command = List.of(
                "env", "MANPAGER=cat", "PAGER=cat", "MANWIDTH=100", "LC_ALL=C.UTF-8", "man", "-l", page.toString());
        try (SocketKitProcess man = SocketKitProcess.startProgram(command)) {
            man.closeStdin();
            assertEquals(0, man.awaitExit(MAN_TIMEOUT), () -> "man -l " + page + "; " + man);
            assertEquals(List.of(), man.stderr(), () -> "man -l " + page + " warned; " + man);
            // Bold and underline are overstrikes (c BACKSPACE c, _ BACKSPACE c) wherever man still writes them.
            String text = String.join("\n", man.stdout()).replaceAll(".\b", "");
            assertTrue(!text.isBlank(), () -> "man -l " + page + " rendered nothing");
            return text;
        }
    }

    private static boolean hasSection(String page, String heading) {
        return Pattern.compile("(?m)^" + Pattern.quote(heading) + "$")
                .matcher(page)
                .find();
    }

    /** {@code word} on its own: {@code --tls} in {@code --tls,} or {@code [--tls]}, not in {@code --tls-engine}. */
    private static boolean hasWord(String page, String word) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(word) + "(?![\\w-])")
                .matcher(page)
                .find();
    }
}
