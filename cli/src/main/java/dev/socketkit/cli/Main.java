package dev.socketkit.cli;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.reflect.Modifier;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The {@code socketkit} executable: runs the command line and exits with its status. */
public final class Main {
    /** Netty's switch for its buffer allocator's JFR events. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    /** The JDK's property that names the NIO selector provider, else looked for as a service on the class path. */
    static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    /**
     * The launcher's request, on the run that makes its class archive: run the {@link ArchiveTraining} instead of a
     * command, then unpack Netty's epoll library into the directory this names, from where later runs load it
     * ({@code -Djava.library.path}), see {@link #unpackEpoll}.
     */
    static final String ARCHIVE_RUN = "socketkit.archive.run";

    private Main() {}

    /**
     * Runs {@code socketkit ARGS...} and exits with the command's exit code.
     *
     * @param args the command line, as {@code socketkit --help} describes it
     */
    public static void main(String[] args) {
        quietNettyJfr();
        NettyLogging.install();
        skipClassPathScans();
        Charset charset = Charset.defaultCharset();
        PrintWriter out = new PrintWriter(System.out, true, charset);
        PrintWriter err = new PrintWriter(System.err, true, charset);
        String archiveRun = System.getProperty(ARCHIVE_RUN);
        int status = ExitCodes.OK;
        if (archiveRun != null) {
            ArchiveTraining.run(out, err);
            unpackEpoll(Path.of(archiveRun));
        } else if (!RootHelp.asked(args) || !RootHelp.print(out)) {
            status = SocketKitCommand.newCommandLine(out, err, args).execute(args);
        }
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

    /**
     * Spares every command two looks through the whole class path for something no jar on it has. The first look opens
     * every jar (some fifty), which costs about 40 ms however little the command does; {@code --help}'s largest single
     * cost, and {@code send}'s once it no longer starts the Log4j API ({@link NettyLogging}). The user's {@code -D}
     * wins, as always.
     * <ul>
     *   <li>picocli looks for Groovy's {@code Closure} class whenever it makes a command, in case an annotation holds a
     *       closure; its own property turns that off.
     *   <li>Netty's epoll transport opens a NIO selector as it starts (its workaround for a class-loading deadlock),
     *       and the JDK then looks in every jar for a {@code SelectorProvider} service before it takes its own. Its
     *       documented property names the provider instead: here the JDK's own for this platform, the one the look
     *       would end with. A JDK without that class (another platform, a future JDK) is left to look.
     * </ul>
     */
    static void skipClassPathScans() {
        setUnlessSet("picocli.disable.closures", "true");
        String os = System.getProperty("os.name", "");
        String jdkProvider = os.startsWith("Linux")
                ? "sun.nio.ch.EPollSelectorProvider"
                : os.startsWith("Mac") ? "sun.nio.ch.KQueueSelectorProvider" : null;
        if (jdkProvider != null && isSelectorProvider(jdkProvider)) {
            setUnlessSet(SELECTOR_PROVIDER, jdkProvider);
        }
    }

    /** Whether the JDK has a public {@code SelectorProvider} class of this name that can be made without arguments. */
    private static boolean isSelectorProvider(String name) {
        try {
            Class<?> type = Class.forName(name, false, ClassLoader.getPlatformClassLoader());
            return SelectorProvider.class.isAssignableFrom(type)
                    && Modifier.isPublic(type.getModifiers())
                    && Modifier.isPublic(type.getConstructor().getModifiers());
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return false;
        }
    }

    /** Sets a system property to {@code value} unless it is set already (the user's {@code -D} always wins). */
    static void setUnlessSet(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    /**
     * Copies Netty's epoll library for this machine out of its jar into {@code dir}, where {@code System.loadLibrary}
     * finds it when {@code dir} is the {@code java.library.path}. Netty tries that path first; without the library
     * there, every run looks the library up in every jar, copies it to a temporary file (whose random name sets up
     * {@code SecureRandom} and the security providers, some 90 classes) and loads that: about 20 ms of {@code send}'s
     * main thread (docs/measurements.md, "Start-up, measured"). Called after the command, when Netty has loaded the
     * library itself and {@code PlatformDependent} knows the architecture, so the command ran as any other does. A
     * machine without the library (not Linux, an architecture Netty does not build for) or a failed copy leaves
     * {@code dir} without it: runs then load it as before, so nothing here may fail the command.
     */
    static void unpackEpoll(Path dir) {
        String name = System.mapLibraryName("netty_transport_native_epoll_" + PlatformDependent.normalizedArch());
        Path copy = dir.resolve(name);
        try (InputStream library = Main.class.getClassLoader().getResourceAsStream("META-INF/native/" + name)) {
            if (library != null) {
                Files.createDirectories(dir);
                Files.copy(library, copy, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(copy); // no half a library: the runs to come load it from the jar
            } catch (IOException | RuntimeException ignored) {
                // A library that fails to load sends Netty to the jar all the same.
            }
        }
    }
}
