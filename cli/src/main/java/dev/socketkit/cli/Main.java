package dev.socketkit.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;

/** The {@code socketkit} executable: runs the command line and exits with its status. */
public final class Main {
    /** Netty's switch for its buffer allocator's JFR events. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    private Main() {}

    /**
     * Runs {@code socketkit ARGS...} and exits with the command's exit code.
     *
     * @param args the command line, as {@code socketkit --help} describes it
     */
    public static void main(String[] args) {
        quietNettyJfr();
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(System.out, true, charset);
        PrintWriter err = new PrintWriter(System.err, true, charset);
        int status = SocketKitCommand.newCommandLine(out, err, args).execute(args);
        out.flush();
        err.flush();
        ShutdownHook.exit(status);
    }

    /**
     * Turns Netty's JFR events off unless the user set {@code -Dio.netty.jfr.enabled}. Netty 4.2 enables them wherever
     * the JVM has JFR, recording or not, and its allocator's first chunk then loads the event classes and registers
     * them with JFR: about 0.1 s of CPU in every command, {@code send}'s largest single cost. Netty reads the property
     * once, when its {@code PlatformDependent} class initialises, so this runs before any Netty class is touched.
     */
    static void quietNettyJfr() {
        setUnlessSet(NETTY_JFR, "false");
    }

    /** Sets a system property to {@code value} unless it is set already (the user's {@code -D} always wins). */
    static void setUnlessSet(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }
}
