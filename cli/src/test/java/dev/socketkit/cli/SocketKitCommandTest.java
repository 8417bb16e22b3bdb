package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The root's {@code --help} and {@code --version} are answered without building any command's model, and print
 * exactly what the command line with every command built prints.
 */
class SocketKitCommandTest {
    /** What {@code socketkit ARGS} prints and returns, with the command line chosen for those arguments. */
    private record Run(int status, String out, String err) {}

    private static Run run(CommandLine commandLine, StringWriter out, StringWriter err, String... args) {
        int status = commandLine.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static Run forArguments(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        return run(SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err), args), out, err, args);
    }

    private static Run everyCommandBuilt(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        return run(SocketKitCommand.newCommandLine(new PrintWriter(out), new PrintWriter(err)), out, err, args);
    }

    /** Each case is a command line; the empty one is {@code socketkit} alone, a usage error. */
    @ParameterizedTest(name = "socketkit {0}")
    @ValueSource(strings = {"--help", "-h", "--version", "-V", ""})
    void answersTheRootsOwnOptionsWithoutBuildingACommandAndPrintsTheSame(String line) {
        String[] args = line.isEmpty() ? new String[0] : new String[] {line};
        StringWriter ignored = new StringWriter();
        CommandLine root = SocketKitCommand.newCommandLine(new PrintWriter(ignored), new PrintWriter(ignored), args);
        assertEquals(
                List.of("serve", "send", "relay", "toxiproxy", "resolve", "bench", "completion", "help"),
                List.copyOf(root.getSubcommands().keySet()),
                "every command is still listed");
        for (CommandLine command : root.getSubcommands().values()) {
            assertNull(
                    command.getCommandSpec().userObject(),
                    () -> command.getCommandName() + " was built, not only listed");
            assertTrue(command.getCommandSpec().options().isEmpty(), command.getCommandName() + "'s options");
        }
        Run listed = forArguments(args);
        assertEquals(everyCommandBuilt(args), listed, "the same text and status as with every command built");
        assertEquals(line.isEmpty() ? ExitCodes.USAGE : ExitCodes.OK, listed.status());
        assertTrue((listed.out() + listed.err()).contains("socketkit"), listed::toString);
    }

    /**
     * The root's {@code --help} text, which the build wrote into the classes from picocli's rendering (RootHelp), is
     * what picocli prints for {@code socketkit --help} now: plain, and with {@code picocli.ansi=true} in colour. A
     * command changed without the text being rendered again fails here.
     */
    @ParameterizedTest(name = "colour: {0}")
    @ValueSource(booleans = {false, true})
    void theRootHelpTheBuildWroteIsWhatPicocliPrints(boolean colour) throws IOException {
        String built;
        try (InputStream text = RootHelp.class.getResourceAsStream(colour ? RootHelp.COLOUR : RootHelp.PLAIN)) {
            assertNotNull(text, "the build wrote no root help text among the classes");
            built = new String(text.readAllBytes(), StandardCharsets.UTF_8);
        }
        String before = System.getProperty("picocli.ansi");
        System.setProperty("picocli.ansi", Boolean.toString(colour));
        try {
            Run live = everyCommandBuilt("--help");
            assertEquals(ExitCodes.OK, live.status());
            assertEquals(live.out(), built);
            StringWriter printed = new StringWriter();
            assertTrue(RootHelp.print(new PrintWriter(printed)), "RootHelp printed nothing");
            assertEquals(live.out(), printed.toString());
        } finally {
            if (before == null) {
                System.clearProperty("picocli.ansi");
            } else {
                System.setProperty("picocli.ansi", before);
            }
        }
        assertEquals(colour, built.contains("\u001b["), "colour codes");
    }
}
