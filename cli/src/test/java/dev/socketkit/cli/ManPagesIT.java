package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.regex.Matcher;
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

    /** Where an entry's name ends: at its parameter ({@code =N}, {@code [=N]}) or a space. */
    private static final Pattern NAME_END = Pattern.compile("[=\\[ ]");

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
            assertFalse(section(page, section).isEmpty(), () -> "no " + section + " section in\n" + page);
        }
        assertTrue(
                String.join(" ", section(page, "NAME")).strip().startsWith(command.replace(' ', '-') + " - "),
                () -> "NAME does not name " + command + " in\n" + page);
        // Each list is compared with its section's entries, not looked for anywhere: --tls-engine in the exit-status
        // text must not stand in for a missing --tls-engine entry.
        assertEquals(
                new TreeSet<>(CommandModel.optionNames(spec)),
                new TreeSet<>(names(section(page, "OPTIONS"))),
                () -> "OPTIONS of\n" + page);
        // A label may be several words (send's "[ENDPOINT] MESSAGE"): each entry holds its parameter's whole label.
        List<String> arguments = entries(section(page, "ARGUMENTS"));
        List<PositionalParamSpec> positionals = spec.positionalParameters();
        assertEquals(positionals.size(), arguments.size(), () -> "ARGUMENTS of\n" + page);
        for (int i = 0; i < positionals.size(); i++) {
            String label = positionals.get(i).paramLabel();
            String entry = arguments.get(i);
            assertTrue(entry.contains(label), () -> "ARGUMENTS entry " + entry + " is not " + label + " in\n" + page);
        }
        assertEquals(
                new TreeSet<>(spec.subcommands().keySet()),
                new TreeSet<>(names(section(page, "COMMANDS"))),
                () -> "COMMANDS of\n" + page);
        if (spec.usageMessage().footer().length > 0) {
            assertFalse(section(page, "EXIT STATUS").isEmpty(), () -> "no EXIT STATUS section in\n" + page);
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

    /**
     * The lines under {@code heading}, up to the next line at the left margin: the next heading, or the page's last
     * line (version, date, title), since man indents everything else. Empty if there is no such heading.
     */
    private static List<String> section(String page, String heading) {
        List<String> lines = List.of(page.split("\n", -1));
        int start = lines.indexOf(heading);
        if (start < 0) {
            return List.of();
        }
        int end = start + 1;
        while (end < lines.size() && (lines.get(end).isBlank() || indentation(lines.get(end)) > 0)) {
            end++;
        }
        return lines.subList(start + 1, end);
    }

    /**
     * A section's entries: the lines at its least indentation ({@code -v, --verbose}, {@code --io=TRANSPORT}, {@code
     * [ENDPOINT]}, {@code serve}), their descriptions being indented further.
     */
    private static List<String> entries(List<String> section) {
        int margin = section.stream()
                .filter(line -> !line.isBlank())
                .mapToInt(ManPagesIT::indentation)
                .min()
                .orElse(0);
        return section.stream()
                .filter(line -> !line.isBlank() && indentation(line) == margin)
                .map(String::strip)
                .toList();
    }

    /** The names a section's entries give, each without its parameter, brackets or {@code ...}. */
    private static List<String> names(List<String> section) {
        // picocli writes an option with one name as "-4,": the comma is not part of the name.
        return entries(section).stream()
                .flatMap(entry -> Stream.of(entry.split(",(\\s+|$)")))
                .filter(name -> !name.isEmpty())
                .map(ManPagesIT::bare)
                .toList();
    }

    /** {@code --io} of {@code --io=TRANSPORT}, {@code serve} of {@code serve}. */
    private static String bare(String name) {
        Matcher end = NAME_END.matcher(name);
        return end.find() ? name.substring(0, end.start()) : name;
    }

    private static int indentation(String line) {
        return line.length() - line.stripLeading().length();
    }
}
