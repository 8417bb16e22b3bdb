package dev.socketkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Help.Ansi;

/**
 * {@code socketkit --help}'s text, rendered by picocli at build time ({@link DocsGenerator}) from the command line's
 * own model, plain and in colour, and printed from the jar at run time. It is the same text picocli would print
 * ({@code SocketKitCommandTest}), as the man pages and completion scripts are the same model's; picocli decides, as it
 * would, whether the terminal gets colour. Without the text (classes not built by Maven) or with a width the user set
 * ({@code -Dpicocli.usage.width}), picocli renders it as before.
 *
 * <p>Why: making picocli's command line and rendering the list took about 100 ms of the 170 that {@code --help} took,
 * for a text that changes only when the CLI is built (docs/measurements.md, "Start-up, measured").
 */
final class RootHelp {
    /** The plain text, beside this class in the jar. */
    static final String PLAIN = "root-help.txt";

    /** The text in colour, as picocli prints it to a terminal. */
    static final String COLOUR = "root-help.ansi";

    private RootHelp() {}

    /** {@return whether {@code args} ask for the root's help alone: {@code --help} or {@code -h}} */
    static boolean asked(String[] args) {
        return args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"));
    }

    /**
     * Prints the built text to {@code out}, in colour if picocli would colour it.
     *
     * @return false, printing nothing, if there is no built text to print or the user set a usage width
     */
    static boolean print(PrintWriter out) {
        if (System.getProperty("picocli.usage.width") != null) {
            return false;
        }
        try (InputStream text = RootHelp.class.getResourceAsStream(Ansi.AUTO.enabled() ? COLOUR : PLAIN)) {
            if (text == null) {
                return false;
            }
            out.print(new String(text.readAllBytes(), StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@return the root's help as picocli renders it now, in colour or not} */
    static String render(boolean colour) {
        StringWriter text = new StringWriter();
        StringWriter ignored = new StringWriter();
        CommandLine root =
                SocketKitCommand.newCommandLine(new PrintWriter(text, true), new PrintWriter(ignored, true), "--help");
        root.usage(new PrintWriter(text, true), colour ? Ansi.ON : Ansi.OFF);
        return text.toString();
    }

    /** Writes both texts into {@code dir}, the package's directory among the classes the jar is made of. */
    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(PLAIN), render(false), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(COLOUR), render(true), StandardCharsets.UTF_8);
    }
}
