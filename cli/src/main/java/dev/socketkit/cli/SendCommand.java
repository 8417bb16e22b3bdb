package dev.socketkit.cli;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.client.ClientException;
import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.codec.Framing;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.internal.Certificates;
import dev.socketkit.transport.internal.DatagramLimits;
import dev.socketkit.transport.internal.Sizes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code socketkit send [ENDPOINT] [MESSAGE...]}: sends messages, or streams stdin, and prints what comes back.
 *
 * <p>stdout carries exactly the bytes received (raw framing) or one frame per line (framed modes); everything else
 * goes to stderr.
 */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send messages to a server and print what comes back; without messages, stream stdin to the socket and the"
                    + " socket to stdout, as netcat does.",
            "",
            "Stream sockets: after the last message (or stdin's end) the write side is shut down, and replies are read"
                    + " until the server closes. Datagram sockets: one datagram per message (per stdin line), one reply"
                    + " awaited per datagram.",
            "stdin is sent as it is read and never changed: with --framing line or delimiter a whole frame at a time"
                    + " (a frame over --max-frame-length is an error, not split), otherwise as it comes; each stdin"
                    + " line is one datagram, without its line end. Replies are printed as they arrive.",
            "The first argument is the ENDPOINT if it is one (tcp://, tls://, udp://, unix:, unixgram:, :PORT for"
                    + " 127.0.0.1, or HOST:PORT with a numeric port and a HOST that is an address, localhost or a name"
                    + " with a dot); otherwise every argument is a message for tcp://127.0.0.1:8090: 'status:200' is"
                    + " a message, tcp://status:200 a host.",
            "TLS (--tls or tls://): half-closing sends close_notify; a TLS 1.2 server closes both directions on it,"
                    + " so answers it has not sent by then are lost (TLS 1.3 keeps them): use --no-half-close"
                    + " --replies N there. -v prints the protocol, cipher suite and server certificate.",
            ""
        },
        footer = ExitCodes.HELP)
final class SendCommand implements Callable<Integer> {
    /** The timeout when --timeout is not given and there is one: for connecting, and for replies to messages. */
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** What the client's own timeouts are set to when there is no limit: longer than any run. */
    private static final Duration NO_LIMIT = Duration.ofNanos(Long.MAX_VALUE);

    @Parameters(paramLabel = "[ENDPOINT] MESSAGE", arity = "0..*", description = "Where to send, then the messages.")
    List<String> arguments = new ArrayList<>();

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "How long to wait for a connection, and for data from the server (e.g. 500ms, 2s), or none"
                    + " (or 0) for no limit. Default: 5s with messages; from stdin no limit on waiting"
                    + " (connecting still takes at most 5s), as netcat waits while stdin is open. From stdin the wait"
                    + " starts again with everything sent.")
    String timeout;

    @Option(
            names = "--no-half-close",
            description = "Do not shut down the write side after the last message: for servers that misbehave on "
                    + "EOF. Reads until the server closes, --replies frames arrived, or --timeout passes idle after"
                    + " at least one reply.")
    boolean noHalfClose;

    @Option(
            names = "--replies",
            paramLabel = "N",
            description = "How many frames (datagrams) to expect; fewer is exit 3 (datagram default: one per message"
                    + " or stdin line; stream default: until the server closes, and with messages at least one).")
    Integer replies;

    @Option(
            names = "--buffer-size",
            paramLabel = "BYTES",
            description = "The most bytes one read returns, as recv(BYTES) (default: automatic).")
    String bufferSize;

    @Mixin
    ClientTlsOptions tls;

    @Mixin
    FramingOptions framing;

    @Mixin
    TransportOptions transport;

    @Mixin
    SendProxyOption proxy;

    @Mixin
    HexDumpOption hexDump;

    @Mixin
    LoggingOptions logging;

    /** Netty's choice of buffer allocator, read once when its buffer classes initialise. */
    static final String NETTY_ALLOCATOR = "io.netty.allocator.type";

    @Override
    public Integer call() throws IOException {
        logging.apply();
        // One connection for moments: Netty's default, pooling allocator lays out its size classes and magazines
        // (40 ms of CPU, docs/measurements.md, "Start-up, measured") to hand out a few buffers, which plain ones serve
        // as well.
        Main.setUnlessSet(NETTY_ALLOCATOR, "unpooled");
        List<String> messages = new ArrayList<>(arguments);
        Endpoint endpoint = tls.endpoint(
                !messages.isEmpty() && Endpoint.looksLikeEndpoint(messages.get(0))
                        ? Options.endpoint(messages.remove(0))
                        : Endpoint.DEFAULT);
        boolean fromStdin = messages.isEmpty();
        // From stdin, as with netcat, waiting has no limit unless one is asked for: input may pause for any time.
        Optional<Duration> idle = timeout != null
                ? Options.timeout("--timeout", timeout)
                : fromStdin ? Optional.empty() : Optional.of(DEFAULT_TIMEOUT);
        ClientConfig config = ClientConfig.defaults()
                .withEndpoint(endpoint)
                .withFraming(framing.framing())
                .withIo(transport.io())
                .withConnectTimeout(idle.orElse(DEFAULT_TIMEOUT))
                .withReadTimeout(idle.orElse(NO_LIMIT));
        if (bufferSize != null) {
            config = config.withBufferSize(Options.size("--buffer-size", bufferSize, 1, Sizes.MAX_READ_BUFFER));
        }
        for (var setting : transport.socketOptions()) {
            config = config.withSocketOption(setting);
        }
        config = proxy.version(endpoint).map(config::withProxyHeader).orElse(config);
        config = hexDump.sink().map(config::withHexDump).orElse(config);
        if (replies != null) {
            Options.count("--replies", replies, 0, Integer.MAX_VALUE);
        }
        // The JDK's engine: Netty's OpenSSL engine can lose what the server sends after the close_notify of a
        // half-close.
        Optional<TlsConfig> tlsConfig = tls.config(endpoint, TlsEngine.JDK);
        if (tlsConfig.isPresent()) {
            config = config.withTls(tlsConfig.get());
        }
        try {
            config.validate();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        boolean datagram = endpoint.kind().isDatagram();
        if (datagram && noHalfClose) {
            throw new UsageException("--no-half-close applies to stream sockets, not "
                    + endpoint.kind().scheme());
        }
        for (String message : datagram ? messages : List.<String>of()) {
            int bytes = message.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > largestDatagram(endpoint)) {
                throw new UsageException("a message of " + bytes + " bytes does not fit one datagram to " + endpoint
                        + ", which holds at most " + largestDatagram(endpoint) + " bytes");
            }
        }
        ClientTlsOptions.warnIfInsecure(tlsConfig);

        try (Client client = Client.connect(config)) {
            if (LogLevels.debug(SendCommand.class)) { // -v: else no logger, so no Log4j set-up, for a quiet send
                Logger log = LogManager.getLogger(SendCommand.class);
                log.debug("connected to {} via {}", endpoint, client.transport().id());
                client.tlsSession().ifPresent(session -> log.debug(describe(session, client.applicationProtocol())));
            }
            StdinPump pump = null;
            if (fromStdin && datagram) {
                pump = StdinPump.datagrams(client, System.in, largestDatagram(endpoint));
            } else if (fromStdin) {
                pump = StdinPump.stream(client, System.in, stdinFrames(config.framing()), !noHalfClose);
            } else {
                for (String message : messages) {
                    client.send(message.getBytes(StandardCharsets.UTF_8));
                }
                if (!datagram && !noHalfClose) {
                    client.shutdownOutput();
                }
            }
            new Replies(client, endpoint, idle, pump, datagram ? messages.size() : -1)
                    .print(config.framing().kind() != Framing.Kind.RAW || datagram);
            return ExitCodes.OK;
        }
    }

    /** The TLS session in one line, for {@code -v}: protocol, cipher suite, the server's certificate, ALPN. */
    private static String describe(SSLSession session, Optional<String> alpn) {
        String peer;
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate leaf = (X509Certificate) chain[0];
            peer = "server certificate " + leaf.getSubjectX500Principal().getName() + " (issuer "
                    + leaf.getIssuerX500Principal().getName() + ", sha256 " + Certificates.sha256Fingerprint(leaf)
                    + ")";
        } catch (SSLPeerUnverifiedException e) {
            peer = "no server certificate";
        }
        return "TLS " + session.getProtocol() + ", " + session.getCipherSuite() + ", " + peer
                + alpn.map(protocol -> ", ALPN " + protocol).orElse("");
    }

    /** The longest message that fits one datagram to {@code endpoint}: IPv4 headers take 20 bytes more than IPv6. */
    private static int largestDatagram(Endpoint endpoint) {
        if (endpoint.kind() == SocketKind.UDP && endpoint.inetSocketAddress().getAddress() != null) {
            return DatagramLimits.maxUdpPayload(endpoint.inetSocketAddress().getAddress());
        }
        return DatagramLimits.maxDatagram(endpoint.kind());
    }

    /** stdin cut into whole frames for line and delimiter framing; null for the others, whose bytes go as they come. */
    private TerminatedFrames stdinFrames(Framing chosen) {
        return switch (chosen.kind()) {
            case LINE -> TerminatedFrames.lines(System.in, chosen.maxFrameLength());
            case DELIMITER ->
                new TerminatedFrames(
                        System.in,
                        Escapes.decode("--delimiter", framing.delimiter),
                        false,
                        chosen.maxFrameLength(),
                        "frame");
            case RAW, LENGTH, FIXED -> null;
        };
    }

    /** Receives and prints replies until the exchange is over, and decides whether it ended well. */
    final class Replies {
        private final Client client;
        private final Endpoint endpoint;
        private final Optional<Duration> idle;
        private final StdinPump pump;
        private final int messages;
        private int received;
        private long lastReceived = System.nanoTime();

        /**
         * {@code pump} is null when messages were given; {@code messages} is how many datagrams were sent, or -1 on a
         * stream socket.
         */
        Replies(Client client, Endpoint endpoint, Optional<Duration> idle, StdinPump pump, int messages) {
            this.client = client;
            this.endpoint = endpoint;
            this.idle = idle;
            this.pump = pump;
            this.messages = messages;
        }

        void print(boolean oneFramePerLine) {
            CompletableFuture<byte[]> next = client.receiveAsync();
            while (true) {
                // Before done(): stdin that failed before the first look (a line over the limit, read at once from a
                // file) has sent nothing, so nothing is expected, and done() alone would read that as success.
                if (pump != null && pump.finished().isCompletedExceptionally()) {
                    failPump();
                }
                if (done()) {
                    return;
                }
                boolean pumping = pump != null && !pump.finished().isDone();
                CompletableFuture<?> wake = pumping ? CompletableFuture.anyOf(next, pump.finished()) : next;
                if (!awaitActivity(wake)) {
                    timedOut();
                    return;
                }
                if (pump != null && pump.finished().isCompletedExceptionally()) {
                    failPump();
                }
                if (next.isDone()) {
                    byte[] frame;
                    try {
                        frame = next.join();
                    } catch (CompletionException e) {
                        ClientException end = (ClientException) e.getCause();
                        if (end.reason() != Reason.CLOSED) {
                            throw end;
                        }
                        closed();
                        return;
                    }
                    write(System.out, frame, oneFramePerLine);
                    received++;
                    lastReceived = System.nanoTime();
                    next = client.receiveAsync();
                }
            }
        }

        /**
         * Waits for {@code wake} until the idle limit passes, counted from the last thing received or sent.
         *
         * @return false if the limit passed first
         */
        private boolean awaitActivity(CompletableFuture<?> wake) {
            while (true) {
                try {
                    if (idle.isEmpty()) {
                        wake.get();
                    } else {
                        long last = pump == null ? lastReceived : Math.max(lastReceived, pump.lastSent());
                        long left = last + idle.get().toNanos() - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        wake.get(left, TimeUnit.NANOSECONDS);
                    }
                    return true;
                } catch (TimeoutException e) {
                    // Loop: stdin may have sent something meanwhile, which starts the idle time again.
                } catch (ExecutionException e) {
                    return true; // the caller looks at which future failed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ClientException(Reason.IO, "interrupted while waiting for " + endpoint, e);
                }
            }
        }

        /** How many replies are expected: --replies, else one per datagram; -1 on a stream without --replies. */
        private int expected() {
            if (replies != null) {
                return replies;
            }
            if (pump != null && messages >= 0) {
                return pump.datagramsSent();
            }
            return messages;
        }

        private boolean done() {
            int expected = expected();
            // From stdin, datagrams keep coming until stdin ends, so their count is final only then.
            boolean countFinal = replies != null
                    || pump == null
                    || messages < 0
                    || pump.finished().isDone();
            return expected >= 0 && received >= expected && countFinal;
        }

        private void closed() {
            int expected = expected();
            if (expected >= 0 && received < expected) {
                throw missing(endpoint + " closed after " + received + " of " + expected + " expected replies");
            }
            if (expected < 0 && received == 0 && pump == null) {
                throw missing(endpoint + " closed without a reply");
            }
        }

        private void timedOut() {
            String limit = timeout != null ? timeout : DEFAULT_TIMEOUT.toSeconds() + "s";
            int expected = expected();
            if (expected >= 0 && received >= expected) {
                // Every datagram was answered, and stdin has sent nothing more for the limit.
                throw missing("idle for " + limit + ": nothing more from stdin or from " + endpoint);
            }
            if (expected >= 0) {
                throw missing(
                        "no reply within " + limit + " after " + received + " of " + expected + " expected replies");
            }
            if (received == 0) {
                throw missing("no reply from " + endpoint + " within " + limit);
            }
            if (!noHalfClose) {
                throw missing(endpoint + " sent nothing for " + limit + " after " + received
                        + (received == 1 ? " reply" : " replies") + " and did not close");
            }
            // Idle after a reply: the documented end of a --no-half-close exchange.
        }

        private void failPump() {
            try {
                pump.finished().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ClientException failure && failure.reason() == Reason.CLOSED) {
                    return; // the server closed while stdin had more: what it sent is still read and printed
                }
                throw e.getCause() instanceof RuntimeException failure ? failure : e;
            }
        }

        private ClientException missing(String message) {
            return new ClientException(Reason.TIMED_OUT, message, null);
        }
    }

    private static void write(PrintStream out, byte[] frame, boolean oneFramePerLine) {
        out.write(frame, 0, frame.length);
        if (oneFramePerLine && (frame.length == 0 || frame[frame.length - 1] != '\n')) {
            out.write('\n');
        }
        out.flush();
        // PrintStream keeps errors to itself: without this a closed stdout (| head) would be written to forever.
        if (out.checkError()) {
            throw new ClientException(Reason.IO, "cannot write to stdout", null);
        }
    }
}
