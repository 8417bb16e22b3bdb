package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code socketkit send} loads on its way to the answer, read from the JVM's own class-loading log
 * ({@code -Xlog:class+load}, written to a file so stdout stays the payload): the start-up work that
 * {@code benchmarks/startup.sh} measured as worth leaving out stays out, and the output stays the same.
 */
@Timeout(60)
class StartupIT {
    @TempDir
    Path dir;

    private Server server;
    private String endpoint;

    @BeforeEach
    void serve() {
        server = Server.start(
                ServerConfig.defaults().withKind(ServerKind.ECHO).withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")));
        endpoint = server.endpoint().toString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * Runs {@code send ENDPOINT hi} with the class-loading log on, checks the exchange, and returns the log's lines:
     * {@code [0.123s][info][class,load] io.netty.buffer.AllocateChunkEvent source: file:/...}.
     */
    private List<String> sendLogging(String... jvmOptions) throws Exception {
        return sendLogging(List.of(jvmOptions), false);
    }

    /**
     * As {@link #sendLogging(String...)}, with {@code -v} if {@code verbose} (whose lines are then on stderr), and the
     * JVM's log of the exceptions thrown ({@code [exceptions]} lines) in the same file.
     */
    private List<String> sendLogging(List<String> jvmOptions, boolean verbose) throws Exception {
        Path log = Files.createTempFile(dir, "classes-", ".log");
        List<String> options = new ArrayList<>();
        options.add("-Xlog:disable"); // no JVM warning on stdout or stderr, where the payload and errors go
        options.addAll(jvmOptions);
        options.add("-Xlog:class+load=info,exceptions=info:file=" + log);
        String[] args = verbose ? new String[] {"send", "-v", endpoint, "hi"} : new String[] {"send", endpoint, "hi"};
        try (SocketKitProcess send = SocketKitProcess.startWithJvmOptions(options, args)) {
            assertEquals(SocketKitProcess.EXIT_OK, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
            assertEquals(List.of("hi"), send.stdout(), send::toString);
            if (verbose) {
                assertTrue(
                        send.stderr().stream().anyMatch(line -> line.contains("DEBUG connected to")), send::toString);
            } else {
                assertEquals(List.of(), send.stderr(), send::toString);
            }
        }
        return Files.readAllLines(log);
    }

    /** The names of the classes a {@code send} loaded. */
    private List<String> sendLoading(String... jvmOptions) throws Exception {
        return classNames(sendLogging(jvmOptions));
    }

    /** The names of the classes loaded, from {@link #sendLogging} lines. */
    private static List<String> classNames(List<String> lines) {
        return lines.stream()
                .filter(line -> line.contains("[class,load]"))
                .map(line -> line.replaceFirst("^.*\\[class,load\\] (\\S+).*$", "$1"))
                .toList();
    }

    /**
     * A send that writes no log line never sets up the Log4j API, and nothing it does looks through every jar on the
     * class path for something no jar has: picocli's look for Groovy's {@code Closure}, the JDK's for a {@code
     * SelectorProvider} service (Netty's epoll transport opens a selector as it starts). Each look opens all the jars,
     * about 40 ms. With {@code -v} its lines are written through the Log4j API as before.
     */
    @Test
    void aQuietSendSetsUpNoLog4jAndLooksThroughNoJar() throws Exception {
        List<String> quiet = sendLogging(List.of(), false);
        List<String> classes = classNames(quiet);
        assertTrue(classes.contains("io.netty.channel.epoll.Native"), "send did not use the epoll transport");
        assertFalse(classes.contains("org.apache.logging.log4j.LogManager"), "the Log4j API was set up");
        assertFalse(
                classes.contains("java.util.ServiceLoader$LazyClassPathLookupIterator"),
                "a service was looked for on the class path");
        List<String> misses = quiet.stream()
                .filter(line -> line.contains("[exceptions]") && line.contains("ClassNotFoundException"))
                .toList();
        assertEquals(List.of(), misses, "a class was looked for in every jar and not found");

        List<String> verbose = classNames(sendLogging(List.of(), true));
        assertTrue(verbose.contains("org.apache.logging.log4j.LogManager"), "-v wrote its lines without Log4j");
    }

    /**
     * The archive the launcher makes ({@code -Dsocketkit.archive.run}, {@link ArchiveTraining}) holds what a send
     * that is answered loads: a class it does not hold is read from its jar, and the jars before that one are opened
     * on the way. The run made no archive of a send that was refused, which missed some 50 classes of an answered one.
     */
    @Test
    void theLaunchersArchiveHoldsWhatAnAnsweredSendLoads() throws Exception {
        Path archive = dir.resolve("trained.jsa");
        Path natives = Files.createDirectory(dir.resolve("natives"));
        List<String> training = List.of(
                "-Xlog:disable", "-XX:ArchiveClassesAtExit=" + archive, "-D" + Main.ARCHIVE_RUN + "=" + natives);
        try (SocketKitProcess run = SocketKitProcess.startWithJvmOptions(training)) {
            assertEquals(SocketKitProcess.EXIT_OK, run.awaitExit(SocketKitProcess.EXIT_TIMEOUT), run::toString);
        }
        assertTrue(Files.size(archive) > 0, "no archive written");
        List<String> fromJars = classNames(sendLogging("-XX:SharedArchiveFile=" + archive).stream()
                .filter(line -> line.contains("source: file:"))
                .toList());
        // A handful may depend on timing (which side of a read the end of the stream falls); dozens mean the training
        // no longer runs what a send runs.
        assertTrue(fromJars.size() <= 5, () -> fromJars.size() + " classes read from jars: " + fromJars);
    }

    /** {@code socketkit --help} prints the text the build rendered ({@link RootHelp}), making no picocli model. */
    @Test
    void theRootHelpIsPrintedWithoutPicocliMakingItsModel() throws Exception {
        Path log = Files.createTempFile(dir, "help-classes-", ".log");
        List<String> options = List.of("-Xlog:disable", "-Xlog:class+load=info:file=" + log);
        try (SocketKitProcess help = SocketKitProcess.startWithJvmOptions(options, "--help")) {
            assertEquals(SocketKitProcess.EXIT_OK, help.awaitExit(SocketKitProcess.EXIT_TIMEOUT), help::toString);
            assertEquals(RootHelp.render(false).lines().toList(), help.stdout(), help::toString);
        }
        List<String> classes = classNames(Files.readAllLines(log));
        assertTrue(classes.contains("dev.socketkit.cli.RootHelp"), "RootHelp did not print it");
        assertFalse(classes.contains("picocli.CommandLine$Model$CommandSpec"), "picocli made a command's model");
    }

    /** Netty's JFR events are its buffer allocator's: {@code AllocateChunkEvent}, {@code FreeBufferEvent}... */
    private static boolean nettyJfrEvents(List<String> classes) {
        return classes.stream().anyMatch(name -> name.startsWith("io.netty.buffer.") && name.endsWith("Event"));
    }

    @Test
    void leavesNettysJfrEventsOffUnlessTheUserTurnsThemOn() throws Exception {
        // The events are the pooling allocator's, which serve uses; send has the plain one unless told otherwise.
        String pooling = "-Dio.netty.allocator.type=adaptive";
        List<String> byDefault = sendLoading(pooling);
        assertTrue(byDefault.contains("io.netty.buffer.AdaptivePoolingAllocator"), "the pooling allocator ran");
        assertFalse(nettyJfrEvents(byDefault), "Netty's JFR event classes were loaded");
        assertFalse(byDefault.contains("jdk.jfr.internal.MetadataRepository"), "JFR's event registry started");

        List<String> optedIn = sendLoading(pooling, "-Dio.netty.jfr.enabled=true");
        assertTrue(nettyJfrEvents(optedIn), "-Dio.netty.jfr.enabled=true no longer turns the events on");
    }

    @Test
    void sendSetsUpNeitherThePoolingAllocatorNorTheLocale() throws Exception {
        List<String> classes = sendLoading();
        assertTrue(classes.contains("io.netty.buffer.UnpooledByteBufAllocator"), "the plain allocator ran");
        assertFalse(classes.contains("io.netty.buffer.AdaptivePoolingAllocator"), "the pooling allocator ran");
        // What a SimpleDateFormat sets up, once per simple logger, when the logger is to print the time of day.
        assertFalse(classes.contains("java.text.DateFormatSymbols"), "the locale's date symbols were loaded");
        assertFalse(classes.contains("sun.util.locale.provider.LocaleResources"), "the locale's resources were loaded");

        List<String> asked = sendLoading("-Dio.netty.allocator.type=adaptive");
        assertTrue(asked.contains("io.netty.buffer.AdaptivePoolingAllocator"), "the user's allocator choice was lost");
    }

    /**
     * Runs {@code serve echo tcp://127.0.0.1:0 ARGS} with the class-loading log on until a client has been served and
     * logged, stops it with SIGTERM, and returns its stderr and the names of the classes it loaded.
     */
    private ServeRun serveLoading(String... args) throws Exception {
        Path log = Files.createTempFile(dir, "serve-classes-", ".log");
        List<String> command = new ArrayList<>(List.of("serve", "echo", "tcp://127.0.0.1:0"));
        command.addAll(List.of(args));
        List<String> options = List.of("-Xlog:disable", "-Xlog:class+load=info:file=" + log);
        try (SocketKitProcess serve = SocketKitProcess.startWithJvmOptions(options, command.toArray(String[]::new))) {
            String endpoint = serve.awaitListening(SocketKitProcess.START_TIMEOUT);
            try (SocketKitProcess send = SocketKitProcess.start("send", endpoint, "hi")) {
                assertEquals(SocketKitProcess.EXIT_OK, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
            }
            serve.awaitStderrLine(line -> line.contains("connected"), SocketKitProcess.START_TIMEOUT);
            serve.sigterm();
            assertEquals(SocketKitProcess.EXIT_OK, serve.awaitExit(SocketKitProcess.EXIT_TIMEOUT), serve::toString);
            List<String> classes = Files.readAllLines(log).stream()
                    .map(line -> line.replaceFirst("^.*\\[class,load\\] (\\S+).*$", "$1"))
                    .toList();
            return new ServeRun(serve.stderr(), classes);
        }
    }

    private record ServeRun(List<String> stderr, List<String> classes) {
        /**
         * Whether Log4j Core ran: made its logging context. The Log4j API's look-up of providers loads a few of its
         * classes in any case, to ask Core's provider its priority.
         */
        boolean core() {
            return classes.contains("org.apache.logging.log4j.core.LoggerContext");
        }
    }

    @Test
    void serveWritesItsTextLinesWithoutLog4jCore() throws Exception {
        ServeRun text = serveLoading();
        assertFalse(text.core(), "Log4j Core was loaded for text lines");
        assertTrue(
                text.stderr().stream()
                        .anyMatch(line ->
                                line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  connected /127\\.0\\.0\\.1:\\d+")),
                () -> "no 'HH:mm:ss.SSS INFO  connected ADDRESS' line in " + text.stderr());

        ServeRun json = serveLoading("--log-format", "json");
        assertTrue(json.core(), "--log-format json needs Log4j Core's JSON layout");
        assertTrue(
                json.stderr().stream().anyMatch(line -> line.startsWith("{") && line.contains("connected")),
                () -> "no JSON line in " + json.stderr());
    }

    @Test
    void theClassArchiveHoldsPicocli() throws Exception {
        Path archive = dir.resolve("send.jsa");
        sendLogging("-XX:ArchiveClassesAtExit=" + archive);
        List<String> picocli = sendLogging("-XX:SharedArchiveFile=" + archive).stream()
                .filter(line -> line.contains("] picocli."))
                .toList();
        assertFalse(picocli.isEmpty(), "send loaded no picocli class");
        // A class compiled for Java 5, as picocli's jar is, is never archived: it is read from the jar every run.
        List<String> unarchived = picocli.stream()
                .filter(line -> !line.endsWith("source: shared objects file")
                        && !line.endsWith("source: shared objects file (top)"))
                .toList();
        assertTrue(
                unarchived.isEmpty(),
                () -> unarchived.size() + " of " + picocli.size() + " picocli classes not from the archive, such as "
                        + unarchived.get(0));
    }

    @Test
    void noSocketkitClassConcatenatesThroughInvokedynamic() throws Exception {
        List<Path> jars = new ArrayList<>(List.of(SocketKitProcess.jar()));
        try (var lib = Files.list(SocketKitProcess.jar().resolveSibling("lib"))) {
            lib.filter(jar -> jar.getFileName().toString().startsWith("socketkit-"))
                    .forEach(jars::add);
        }
        List<String> spinning = new ArrayList<>();
        int classes = 0;
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry entry : Collections.list(zip.entries())) {
                    if (entry.getName().endsWith(".class")) {
                        classes++;
                        byte[] bytes = zip.getInputStream(entry).readAllBytes();
                        // The bootstrap method an invokedynamic concatenation names in the constant pool.
                        if (new String(bytes, StandardCharsets.ISO_8859_1).contains("makeConcatWithConstants")) {
                            spinning.add(jar.getFileName() + "!" + entry.getName());
                        }
                    }
                }
            }
        }
        assertTrue(classes > 200, "too few classes read: " + classes + " in " + jars);
        assertEquals(List.of(), spinning, "compiled without -XDstringConcat=inline");
    }
}
