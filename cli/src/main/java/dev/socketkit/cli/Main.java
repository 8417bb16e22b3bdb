package dev.socketkit.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;

/** The {@code socketkit} executable: runs the command line and exits with its status. */
public final class Main {
    private Main() {}

    /**
     * Runs {@code socketkit ARGS...} and exits with the command's exit code.
     *
     * @param args the command line, as {@code socketkit --help} describes it
     */
    public static void main(String[] args) {
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(System.out, true, charset);
        PrintWriter err = new PrintWriter(System.err, true, charset);
        int status = SocketKitCommand.newCommandLine(out, err, args).execute(args);
        out.flush();
        err.flush();
        ShutdownHook.exit(status);
    }
}
