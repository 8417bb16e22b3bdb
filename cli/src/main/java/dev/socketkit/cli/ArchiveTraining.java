package dev.socketkit.cli;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.io.PrintWriter;

/**
 * The launcher's training run: the commands whose classes its class-data archive is to hold, run once in the JVM that
 * writes the archive ({@code -XX:ArchiveClassesAtExit}). An archive holds the classes one run loaded, and each class a
 * later run loads that it does not hold is read from its jar and verified, and its lookup opens every jar before the
 * one that holds it. So the run goes where users go: {@code --help}, {@code serve --help}, a {@code send} that gets its
 * answer from an echo server (in this JVM, on a loopback port of its own), and a {@code send -v} that is refused, for
 * the failure path and the log lines.
 *
 * <p>Nothing here may fail or hang the launcher: each command's output goes where the launcher sends it (nowhere), a
 * failure leaves the archive with what loaded until then, and every wait is the commands' own, bounded.
 */
final class ArchiveTraining {
    private ArchiveTraining() {}

    /** Runs the training commands, writing what they print to {@code out} and {@code err}. */
    static void run(PrintWriter out, PrintWriter err) {
        command(out, err, "--help");
        command(out, err, "serve", "--help");
        LoggingOptions quiet = new LoggingOptions();
        quiet.quiet = true;
        quiet.apply(); // as every command does first, so that the server's loggers are the CLI's
        // The allocator send chooses, chosen before the server makes Netty choose its default: Netty keeps the first.
        Main.setUnlessSet(SendCommand.NETTY_ALLOCATOR, "unpooled");
        try (Server echo = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")))) {
            command(out, err, "send", echo.endpoint().toString(), "hi");
        } catch (RuntimeException e) {
            err.println("socketkit: training without a server: " + e);
        }
        command(out, err, "send", "-v", "tcp://127.0.0.1:1", "x");
    }

    private static void command(PrintWriter out, PrintWriter err, String... args) {
        SocketKitCommand.newCommandLine(out, err, args).execute(args);
    }
}
