package dev.socketkit.cli;

import dev.socketkit.cli.CompletionCommand.Shell;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes, at build time, what the archive ships beside the jar, from the command line's own model: the shell completion
 * scripts, and the AsciiDoc sources of the man pages, one per command, which the build turns into troff; and into the
 * jar, the root's {@code --help} text ({@link RootHelp}). The CLI never
 * runs it: the build does, with picocli-codegen on the class path, which the CLI's class path does not have.
 */
public final class DocsGenerator {
    /** How every command's footer begins: its exit statuses, in {@link ExitCodes#HELP}'s layout. */
    private static final String EXIT_STATUS_FOOTER = "%nExit status:%n";

    private DocsGenerator() {}

    /**
     * {@code completion DIR}: writes {@code socketkit.bash} and {@code _socketkit} (zsh) to {@code DIR}, exactly what
     * {@code socketkit completion bash|zsh} prints. {@code help CLASSES}: writes the {@link RootHelp} texts among the
     * classes in {@code CLASSES}. {@code man SOURCES PAGES VERSION}: writes {@code socketkit.adoc},
     * {@code socketkit-serve.adoc} and one more for each command to {@code SOURCES}, for asciidoctor's {@code manpage}
     * backend to turn into {@code PAGES/socketkit.1} and the rest, each page naming {@code socketkit VERSION}. The
     * pages and sources of an earlier build are removed first, so that a command renamed or gone leaves no page behind.
     *
     * @param args {@code completion DIR}, {@code help CLASSES} or {@code man SOURCES PAGES VERSION}
     * @throws IOException if a file cannot be written
     */
    public static void main(String[] args) throws IOException {
        CommandLine root = SocketKitCommand.newCommandLine(
                new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
        if (args.length == 2 && args[0].equals("completion")) {
            Path dir = Files.createDirectories(Path.of(args[1]));
            for (Shell shell : Shell.values()) {
                Files.writeString(
                        dir.resolve(shell.fileName()), CompletionCommand.script(shell, root), StandardCharsets.UTF_8);
            }
        } else if (args.length == 2 && args[0].equals("help")) {
            RootHelp.write(
                    Path.of(args[1]).resolve(RootHelp.class.getPackageName().replace('.', '/')));
        } else if (args.length == 4 && args[0].equals("man")) {
            removeAll(Path.of(args[1]), ".adoc");
            removeAll(Path.of(args[2]), ".1");
            // Each page's footer names the version; without a manifest (classes, not the jar) the model says "dev".
            String version = "socketkit " + args[3];
            forManPages(root.getCommandSpec(), version);
            int status = ManPageGenerator.generateManPage(
                    new File(args[1]), null, new boolean[0], true, root.getCommandSpec());
            if (status != CommandLine.ExitCode.OK) {
                throw new IOException("picocli's ManPageGenerator failed with status " + status);
            }
        } else {
            throw new IllegalArgumentException(
                    "usage: DocsGenerator completion DIR | help CLASSES | man SOURCES PAGES VERSION");
        }
    }

    private static void removeAll(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().endsWith(suffix)) {
                    Files.delete(file);
                }
            }
        }
    }

    /**
     * Readies {@code spec} and its subcommands for {@link ManPageGenerator}: each names {@code version}, and each
     * footer, the exit-status table, becomes an EXIT STATUS section (the generator writes a footer only under a footer
     * heading, which --help has no need of).
     */
    private static void forManPages(CommandSpec spec, String version) {
        spec.versionProvider(() -> new String[] {version});
        UsageMessageSpec usage = spec.usageMessage();
        String footer = String.join("%n", usage.footer());
        if (usage.footerHeading().isEmpty() && footer.startsWith(EXIT_STATUS_FOOTER)) {
            usage.footerHeading("Exit status");
            usage.footer(footer.substring(EXIT_STATUS_FOOTER.length()));
        }
        for (CommandLine sub : spec.subcommands().values()) {
            forManPages(sub.getCommandSpec(), version);
        }
    }
}
