package dev.socketkit.cli;

import dev.socketkit.codec.Framing;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerKind;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.Durations;
import dev.socketkit.transport.internal.UnixSocketFile;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code socketkit serve KIND [ENDPOINT]}: runs an echo, welcome, reply or print server until SIGINT or SIGTERM. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run a server until Ctrl-C or SIGTERM. Prints one line to stdout when bound: 'listening ENDPOINT', with the"
                    + " real port when port 0 was given. Logs go to stderr.",
            "",
            "  echo     send back what was read",
            "  welcome  greet with 'Welcome to the server', answer each read with 'Data received:' + data",
            "  reply    read one message, answer 'Thanks for connecting', close",
            "  print    write what clients send to stdout, byte-exact, as nc -l does: one connection at a time (the"
                    + " next waits for its turn), datagrams one per line (--framing raw: as they are); the listening"
                    + " line goes to stderr, so stdout is only what was received. --reply-stdin sends stdin to the"
                    + " first client.",
            "",
            "Endpoints: tcp://HOST:PORT  tls://HOST:PORT  udp://HOST:PORT  unix:///abs/path  unix:rel/path"
                    + "  unixgram:///abs/path (IPv6: tcp://[::1]:8090; port 0: any free port)",
            "TLS: --tls or tls://; TLS 1.3 and 1.2 only, on stream sockets only (DTLS is not offered).",
            ""
        },
        footer = ExitCodes.HELP)
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "KIND",
            description = "echo, welcome, reply or print.",
            completionCandidates = Kinds.class)
    String kind;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "ENDPOINT",
            description = "Where to listen (default: ${DEFAULT-VALUE}).",
            defaultValue = "tcp://127.0.0.1:8090")
    String endpoint;

    @Option(
            names = "--backlog",
            paramLabel = "N",
            description = "Listen backlog, listen(N) (stream sockets; default: the system's somaxconn).")
    Integer backlog;

    @Option(
            names = "--buffer-size",
            paramLabel = "BYTES",
            description = "The most bytes one read returns, exactly as recv(BYTES): a longer datagram is cut. "
                    + "Default: stream reads size themselves up to 64k; datagram reads take any datagram whole.")
    String bufferSize;

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads (default: one per core).")
    Integer threads;

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            description = "Close a stream connection on which nothing was read or written for this long (default: 5m;"
                    + " 0 or none: never).")
    String idleTimeout;

    @Option(
            names = "--frame-timeout",
            paramLabel = "DURATION",
            description = "With --framing other than raw: close a connection whose frame has begun and is not complete"
                    + " within this, a peer that sends a byte now and then (default: 30s; 0 or none: never).")
    String frameTimeout;

    @Option(
            names = "--write-timeout",
            paramLabel = "DURATION",
            description = "Close a stream connection whose peer keeps the server unable to write, by not reading what"
                    + " it is sent, for this long (default: 30s; 0 or none: never).")
    String writeTimeout;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "At most N stream connections open; one more is closed at once (default: the open-file"
                    + " limit, ulimit -n, less the descriptors open at start and " + ServerConfig.RESERVED_DESCRIPTORS
                    + " more).")
    Integer maxConnections;

    @Option(
            names = "--proxy-protocol",
            description = "Every connection must begin with a PROXY protocol header, v1 or v2, as HAProxy sends with"
                    + " send-proxy or send-proxy-v2; the client it names is the one logged and served. Without a valid"
                    + " header in time a connection is closed. Anyone who reaches the port can claim any address:"
                    + " only a trusted proxy may (stream sockets).")
    boolean proxyProtocol;

    @Option(
            names = "--proxy-header-timeout",
            paramLabel = "DURATION",
            description = "With --proxy-protocol: close a connection whose header is not complete within this"
                    + " (default: 5s; 0 or none: never).")
    String proxyHeaderTimeout;

    @Option(
            names = "--udp-rate",
            paramLabel = "N",
            description = "Answer each source at most N datagrams a second, udp and unixgram (default: 1000 off"
                    + " loopback, no limit on loopback and unixgram; 0: no limit).")
    Integer udpRate;

    @Option(
            names = "--unix-mode",
            paramLabel = "MODE",
            description = "The socket file's mode, in octal (600, 660): never visible at its path with another"
                    + " (unix and unixgram; default: what the umask gives).")
    String unixMode;

    @Option(names = "--greeting", paramLabel = "TEXT", description = "welcome's greeting (default: ${DEFAULT-VALUE}).")
    String greeting = "Welcome to the server";

    @Option(
            names = "--prefix",
            paramLabel = "TEXT",
            description = "welcome's answer prefix (default: ${DEFAULT-VALUE}).")
    String prefix = "Data received:";

    @Option(names = "--reply", paramLabel = "TEXT", description = "reply's answer (default: ${DEFAULT-VALUE}).")
    String reply = "Thanks for connecting";

    @Option(
            names = "--reply-stdin",
            description = "print: send stdin to the first client (stream: the first connection, whose write side"
                    + " stdin's end shuts down; datagram: each line, without its line end, one datagram to the first"
                    + " sender), as nc -l does.")
    boolean replyStdin;

    @Option(
            names = "--events",
            paramLabel = EventLog.LABEL,
            description = "Write one JSON object a line for every stream connection opened and closed (bytes each way,"
                    + " how it ended), and the server's totals when it stops (all a datagram server writes),"
                    + EventLog.FILE_BEHAVIOUR + " Not - with print, whose stdout is what clients send.")
    String events;

    @Mixin
    ServerTlsOptions tls;

    @Mixin
    HexDumpOption hexDump;

    @Mixin
    FramingOptions framing;

    @Mixin
    TransportOptions transport;

    @Mixin
    LoggingOptions logging;

    // Under an orchestrator: --health, --drain-delay, --drain-timeout, --listeners, --log-format.
    @Mixin
    OrchestratorOptions orchestrator;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply(); // first: building the config loads classes whose loggers would start Log4j
        orchestrator.applyLogFormat();
        ServerConfig config = config();
        PrintOutput printed = null;
        if (isPrint()) {
            printed = new PrintOutput(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024));
            config = config.withHandler(printServer(config, printed));
        }
        EventLog eventLog = EventLog.open(events, spec.commandLine().getOut()); // before anything is bound
        if (eventLog != null) {
            config = config.withListener(eventLog.forServer());
        }
        OrchestratorOptions.Health health;
        Server server;
        try {
            health = orchestrator.startHealth();
        } catch (RuntimeException e) {
            closeQuietly(eventLog);
            throw e;
        }
        try {
            server = Server.start(config);
        } catch (RuntimeException e) {
            if (health != null) {
                health.close();
            }
            closeQuietly(eventLog);
            throw e;
        }
        if (health != null) {
            health.serve(server);
        }
        // Before the listening line: a supervisor may send SIGTERM the moment it reads it.
        ShutdownHook.install(server, finish(health, printed, config, events(eventLog, server)));
        // print's stdout is what clients sent, nothing else: its listening line goes to stderr.
        PrintWriter out = printed != null
                ? spec.commandLine().getErr()
                : spec.commandLine().getOut();
        out.println("listening " + server.endpoint());
        out.flush();
        if (eventLog != null) {
            eventLog.start(); // after the listening line, which stays stdout's first
        }
        if (printed != null) {
            Server running = server;
            printed.failed().thenAccept(failure -> {
                LogManager.getLogger(ServeCommand.class).error("cannot write to stdout: {}", failure.getMessage());
                running.close();
            });
        }
        server.awaitClose();
        if (printed != null && !drain(printed, config)) {
            return printed.failed().isDone() ? ExitCodes.FAILURE : ExitCodes.OK;
        }
        if (server.isClosed()) {
            return ExitCodes.OK;
        }
        LogManager.getLogger(ServeCommand.class).error("the server socket closed unexpectedly");
        return ExitCodes.FAILURE;
    }

    /**
     * What the shutdown hook does once the server is closed: the health port stops, and print's stdout is given the
     * drain timeout to take what was received (a signal ends the JVM when its hooks end, whatever main is doing).
     */
    private static AutoCloseable finish(
            AutoCloseable health, PrintOutput printed, ServerConfig config, AutoCloseable events) {
        return () -> {
            if (health != null) {
                health.close();
            }
            if (printed != null) {
                drain(printed, config);
            }
            if (events != null) {
                events.close();
            }
        };
    }

    /**
     * {@code --events}' end, once the server has stopped (its last connections' close events are queued): the {@code
     * stopped} line with its totals, then what is queued written (null without {@code --events}).
     */
    private static AutoCloseable events(EventLog eventLog, Server server) {
        if (eventLog == null) {
            return null;
        }
        return () -> {
            eventLog.stopped(server.stats(), server.endpoint().kind().isDatagram());
            eventLog.close();
        };
    }

    private static void closeQuietly(EventLog eventLog) {
        if (eventLog != null) {
            eventLog.close();
        }
    }

    /** Waits for print's stdout to take everything, within the drain timeout; whether it did. */
    private static boolean drain(PrintOutput printed, ServerConfig config) throws InterruptedException {
        if (printed.drain(config.shutdownTimeout())) {
            return true;
        }
        if (!printed.failed().isDone()) {
            LogManager.getLogger(ServeCommand.class)
                    .warn(
                            "stdout did not take everything within {}: the rest is lost",
                            Durations.format(config.shutdownTimeout()));
        }
        return false;
    }

    /** Every value checked, before anything is bound: Netty would only log a warning for a bad option. */
    ServerConfig config() {
        Endpoint where = tls.endpoint(Options.endpoint(endpoint));
        if (replyStdin && !isPrint()) {
            throw new UsageException("--reply-stdin applies to serve print, not " + kind);
        }
        if ("-".equals(events) && isPrint()) {
            throw new UsageException("--events - does not apply to serve print: its stdout is what clients send;"
                    + " give --events a file");
        }
        // print over datagrams: the server reads them whole (raw); the framing is how they are written to stdout.
        boolean datagramPrint = isPrint() && where.kind().isDatagram();
        if (datagramPrint && framing.framing().kind() == Framing.Kind.FIXED) {
            throw new UsageException("--framing fixed does not apply to print on "
                    + where.kind().scheme() + "; datagrams are written raw, line, delimiter or length");
        }
        ServerConfig config = ServerConfig.defaults()
                .withKind(isPrint() ? ServerKind.ECHO : kind())
                .withEndpoint(where)
                .withFraming(datagramPrint ? Framing.raw() : framing.framing())
                .withIo(transport.io())
                .withGreeting(greeting)
                .withDataPrefix(prefix)
                .withReplyText(reply);
        config = streamOptions(config, where);
        if (bufferSize != null) {
            config = config.withBufferSize(Options.size("--buffer-size", bufferSize, 1, ServerConfig.MAX_BUFFER_SIZE));
        }
        if (threads != null) {
            config = config.withThreads(Options.count("--threads", threads, 1, 1024));
        }
        if (udpRate != null) {
            if (where.kind().isStream()) {
                throw new UsageException("--udp-rate applies to datagram sockets (udp, unixgram), not "
                        + where.kind().scheme());
            }
            config = config.withDatagramRate(Options.count("--udp-rate", udpRate, 0, 1_000_000_000));
        }
        if (unixMode != null) {
            if (!where.kind().isUnix()) {
                throw new UsageException("--unix-mode applies to unix and unixgram sockets, not "
                        + where.kind().scheme());
            }
            try {
                config = config.withUnixMode(UnixSocketFile.parseMode(unixMode));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--unix-mode: " + e.getMessage());
            }
        }
        for (var setting : transport.socketOptions()) {
            config = config.withSocketOption(setting);
        }
        config = tls.config(where).map(config::withTls).orElse(config);
        config = tls.handshakeTimeout().map(config::withTlsHandshakeTimeout).orElse(config);
        config = hexDump.sink().map(config::withHexDump).orElse(config);
        if (datagramPrint) {
            config = config.withReceiveOnly(true); // print answers nobody, so need not refuse who cannot be answered
        }
        if (datagramPrint && replyStdin) {
            // Stdin goes to a sender the user chose to answer: not an amplified reflection to cap at 3x.
            config = config.withAmplificationLimit(false);
        }
        config = orchestrator.apply(config, threads);
        try {
            return config.validate();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The options of stream servers: each a usage error on a datagram socket. */
    private ServerConfig streamOptions(ServerConfig config, Endpoint where) {
        String[] names = {
            "--backlog",
            "--idle-timeout",
            "--frame-timeout",
            "--write-timeout",
            "--max-connections",
            "--proxy-protocol",
            "--proxy-header-timeout"
        };
        Object[] values = {
            backlog,
            idleTimeout,
            frameTimeout,
            writeTimeout,
            maxConnections,
            proxyProtocol ? Boolean.TRUE : null,
            proxyHeaderTimeout
        };
        for (int i = 0; i < names.length && where.kind().isDatagram(); i++) {
            if (values[i] != null) {
                throw new UsageException(names[i] + " applies to stream sockets (tcp, unix), not "
                        + where.kind().scheme());
            }
        }
        if (backlog != null) {
            config = config.withBacklog(Options.count("--backlog", backlog, 0, 65535));
        }
        if (idleTimeout != null) {
            config = config.withIdleTimeout(
                    Options.timeout("--idle-timeout", idleTimeout).orElse(ServerConfig.NO_TIMEOUT));
        }
        if (frameTimeout != null) {
            if (config.framing().kind() == Framing.Kind.RAW) {
                throw new UsageException("--frame-timeout applies to --framing line, delimiter, length or fixed; with"
                        + " raw framing every read is a whole frame");
            }
            config = config.withFrameTimeout(
                    Options.timeout("--frame-timeout", frameTimeout).orElse(ServerConfig.NO_TIMEOUT));
        }
        if (writeTimeout != null) {
            config = config.withWriteTimeout(
                    Options.timeout("--write-timeout", writeTimeout).orElse(ServerConfig.NO_TIMEOUT));
        }
        if (proxyHeaderTimeout != null) {
            if (!proxyProtocol) {
                throw new UsageException("--proxy-header-timeout applies with --proxy-protocol");
            }
            config = config.withProxyHeaderTimeout(Options.timeout("--proxy-header-timeout", proxyHeaderTimeout)
                    .orElse(ServerConfig.NO_TIMEOUT));
        }
        config = config.withProxyProtocol(proxyProtocol);
        if (maxConnections != null) {
            config = config.withMaxConnections(
                    Options.count("--max-connections", maxConnections, 1, ServerConfig.MAX_CONNECTIONS));
        }
        return config;
    }

    /** What {@code socketkit serve <TAB>} offers: every server kind, as it is typed. */
    static final class Kinds implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Stream.concat(Arrays.stream(ServerKind.values()).map(ServerKind::id), Stream.of(PRINT))
                    .iterator();
        }
    }

    private ServerKind kind() {
        try {
            return ServerKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException("unknown server kind '" + kind + "'; use echo, welcome, reply or print");
        }
    }

    /** The kind that is not a {@link ServerKind}: it writes to this process's stdout, which floor 2 knows nothing of. */
    private static final String PRINT = "print";

    private boolean isPrint() {
        return PRINT.equalsIgnoreCase(kind);
    }

    /**
     * print's handler: stream frames written as the framing writes them, datagrams one per line unless --framing was
     * given (raw: as they are).
     */
    private PrintServer printServer(ServerConfig config, PrintOutput printed) {
        Endpoint where = config.endpoint();
        boolean datagram = where.kind().isDatagram();
        Framing output = framing.framing();
        if (datagram && !spec.commandLine().getParseResult().hasMatchedOption("--framing")) {
            output = Framing.line(Framing.DEFAULT_MAX_FRAME_LENGTH);
        }
        int largest = datagram ? DatagramLimits.maxDatagram(where.kind()) : 0;
        ReplyStdin reply = replyStdin ? new ReplyStdin(System.in, largest) : null;
        return new PrintServer(printed, output, datagram, reply);
    }
}
