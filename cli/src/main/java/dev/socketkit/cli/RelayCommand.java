package dev.socketkit.cli;

import dev.socketkit.relay.Fault;
import dev.socketkit.relay.Relay;
import dev.socketkit.relay.RelayConfig;
import dev.socketkit.relay.ToxiproxyApi;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import dev.socketkit.transport.internal.Sizes;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code socketkit relay LISTEN TARGET}: forwards each connection or datagram to TARGET until SIGINT or SIGTERM. */
@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Forward every connection that arrives at LISTEN to TARGET, and every datagram (one upstream socket per"
                    + " client address), byte for byte, until Ctrl-C or SIGTERM; as socat TCP-LISTEN:...,fork"
                    + " UNIX-CONNECT:... does. Prints one line to stdout when bound: 'listening ENDPOINT'.",
            "",
            "Any stream kind to any stream kind (tcp, tls, unix), any datagram kind to any datagram kind (udp,"
                    + " unixgram). A side that does not read stops the relay reading the other; an end (FIN) is"
                    + " passed on each way; a reset resets the other side. tls:// LISTEN terminates TLS (--cert and"
                    + " --key, else a self-signed certificate), a tls:// TARGET originates it (--target-ca,"
                    + " --target-pin, --target-insecure, else the system's trust store).",
            "",
            "Examples:",
            "  socketkit relay tcp://127.0.0.1:8080 unix:///run/app.sock",
            "  socketkit relay tls://0.0.0.0:8443 tcp://127.0.0.1:8080 --cert cert.pem --key key.pem",
            "  socketkit relay udp://127.0.0.1:5353 unixgram:///run/dns.sock",
            "  socketkit relay 127.0.0.1:26379 127.0.0.1:6379 --api 127.0.0.1:8474  (Toxiproxy's API; proxy 'relay')",
            "",
            "Faults (--fault TYPE[:DIRECTION][:ATTR=VALUE,...], repeatable), as Toxiproxy's toxics; DIRECTION is"
                    + " upstream (client to target), downstream (the default) or both. Streams: latency (latency,"
                    + " jitter), bandwidth (rate, bytes/s), slicer (average_size, size_variation, delay), limit_data"
                    + " (bytes), timeout (timeout; 0: until the relay stops), reset_peer (timeout), slow_close"
                    + " (delay). Datagrams: latency, drop, duplicate, corrupt (rate), reorder (rate, gap, delay)."
                    + " Every fault also takes toxicity (0 to 1), connections (N, N-M, N-, Kn for every K-th, Kn+B)"
                    + " and name. Durations take a unit (100ms, 2s), sizes KiB/MiB.",
            "  socketkit relay 127.0.0.1:8081 127.0.0.1:8080 \\",
            "      --fault latency:latency=100ms,jitter=10ms \\",
            "      --fault reset_peer:both:timeout=2s,connections=3n",
            "  socketkit relay udp://127.0.0.1:5354 udp://127.0.0.1:5353 \\",
            "      --fault drop:both:rate=0.1 --seed 42",
            ""
        },
        footer = ExitCodes.HELP)
final class RelayCommand implements Callable<Integer> {
    /** The name of the relay's proxy in the Toxiproxy API, with {@code --api}. */
    static final String PROXY = "relay";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "LISTEN", description = "Where clients connect to the relay.")
    String listen;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Where the relay forwards to: the same family.")
    String target;

    @Option(
            names = "--connect-timeout",
            paramLabel = "DURATION",
            description = "How long a connect to TARGET may take, a TLS handshake included; a target that refuses or"
                    + " takes longer closes the client's connection (stream sockets; default: 5s).")
    String connectTimeout;

    @Option(
            names = "--max-connections",
            paramLabel = "N",
            description = "At most N connections relayed at once; one more is closed as soon as it is accepted, before"
                    + " anything connects to TARGET (stream sockets; default: half the open-file limit, ulimit -n, less"
                    + " the descriptors open at start and 64 more: each connection holds two).")
    Integer maxConnections;

    @Option(
            names = "--max-sessions",
            paramLabel = "N",
            description = "At most N datagram client addresses at once, each with its own socket toward TARGET; a"
                    + " new address is refused while the table is full (datagram sockets; default: "
                    + RelayConfig.DEFAULT_MAX_SESSIONS + ").")
    Integer maxSessions;

    @Option(
            names = "--idle-timeout",
            paramLabel = "DURATION",
            description = "Close a relayed connection whose client has sent nothing and taken nothing for this long"
                    + " (stream sockets; default: 5m; 0 or none: never).")
    String idleTimeout;

    @Option(
            names = "--session-idle-timeout",
            paramLabel = "DURATION",
            description = "End a datagram session after this long with no datagram either way (datagram sockets;"
                    + " default: 60s).")
    String sessionIdleTimeout;

    @Option(
            names = "--buffer-size",
            paramLabel = "BYTES",
            description = "The most bytes one read returns; a longer datagram is cut. Default: stream reads size"
                    + " themselves up to 64k; datagram reads take any datagram whole.")
    String bufferSize;

    @Option(names = "--threads", paramLabel = "N", description = "Event-loop threads (default: one per core).")
    Integer threads;

    @Option(
            names = "--target-ca",
            paramLabel = "FILE",
            description = "With a tls:// TARGET: also trust the CA (or self-signed) certificates in this PEM file.")
    Path targetCa;

    @Option(
            names = "--target-pin",
            paramLabel = "SHA256",
            description = "With a tls:// TARGET: accept exactly the certificate with this SHA-256 fingerprint.")
    String targetPin;

    @Option(
            names = "--target-insecure",
            description = "With a tls:// TARGET: check nothing about its certificate (one warning line): tests only.")
    boolean targetInsecure;

    @Option(
            names = "--fault",
            paramLabel = "SPEC",
            description = "A fault between clients and TARGET, TYPE[:DIRECTION][:ATTR=VALUE,...] (repeatable; see"
                    + " above and the README's faults table), e.g. latency:downstream:latency=100ms.")
    List<String> faults = new ArrayList<>();

    @Option(
            names = "--seed",
            paramLabel = "N",
            description = "Make every random choice of the faults (jitter, slice sizes, toxicity, drops) from this"
                    + " seed, so that a run replays exactly (default: a random seed, logged at start).")
    String seed;

    @Option(
            names = "--events",
            paramLabel = EventLog.LABEL,
            description = "Write one JSON object a line for every connection and datagram session opened and closed,"
                    + " every fault that starts to apply to one, and the relay's totals when it stops (not with --api),"
                    + EventLog.FILE_BEHAVIOUR)
    String events;

    // --tls, --cert, --key, --client-ca, --alpn, --tls-engine, --tls-handshake-timeout: TLS toward the clients.
    @Mixin
    ServerTlsOptions tls;

    @Mixin
    TransportOptions transport;

    // --api, --api-allow-remote: the relay as a proxy of Toxiproxy's HTTP API.
    @Mixin
    ApiOptions api;

    @Mixin
    HexDumpOption hexDump;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply(); // first: building the config loads classes whose loggers would start Log4j
        RelayConfig config = config();
        if (config.effectiveTargetTls().map(TlsConfig::isInsecure).orElse(false)) {
            LogManager.getLogger(RelayCommand.class)
                    .warn("--target-insecure: the target's certificate is not checked; anyone on the path can read and"
                            + " change what the relay sends it");
        }
        if (!api.given() && api.allowRemote) {
            throw new UsageException("--api-allow-remote needs --api HOST:PORT");
        }
        InetSocketAddress apiAddress = api.given() ? api.address(null) : null; // checked before the file is made
        PrintWriter out = spec.commandLine().getOut();
        EventLog eventLog = EventLog.open(events, out); // before anything is bound
        if (eventLog != null) {
            config = config.withListener(eventLog);
        }
        RelayConfig relayed = config;
        return apiAddress != null
                ? run(eventLog, out, () -> withApi(relayed, apiAddress))
                : run(eventLog, out, () -> alone(relayed));
    }

    /**
     * What the command runs until SIGINT or SIGTERM: the relay alone, or the Toxiproxy API with the relay as a proxy.
     *
     * @param relay the relay, whose endpoint is the listening line
     * @param stop what the shutdown hook calls
     * @param waiting waits until it is stopped, and says how the command ends
     * @param what for the hook's last line, {@code stopped WHAT: totals}
     * @param totals whether the relay's totals are the run's, for {@code --events}' {@code stopped} line: not with
     *     {@code --api}, whose clients may stop and start the relay again, each time counting from 0
     */
    private record Running(Relay relay, Runnable stop, Waiting waiting, String what, boolean totals) {}

    @FunctionalInterface
    private interface Waiting {
        int await() throws InterruptedException;
    }

    /**
     * Starts it, with the hook that stops it (and then the event log, its {@code stopped} line last) installed before
     * the listening line, since a supervisor may send SIGTERM the moment it reads that line; then runs until it ends.
     */
    private static int run(EventLog eventLog, PrintWriter out, Supplier<Running> starting) throws InterruptedException {
        Running running;
        try {
            running = starting.get();
        } catch (RuntimeException e) {
            if (eventLog != null) {
                eventLog.close();
            }
            throw e;
        }
        ShutdownHook.install(
                () -> {
                    running.stop().run();
                    if (eventLog != null) {
                        // After the relay: its last connections' close events are queued, and the totals are final.
                        if (running.totals()) {
                            Relay relay = running.relay();
                            eventLog.stopped(
                                    relay.stats(), relay.endpoint().kind().isDatagram());
                        }
                        eventLog.close();
                    }
                },
                () -> "stopped " + running.what() + ": "
                        + running.relay().stats().summary());
        out.println("listening " + running.relay().endpoint());
        out.flush();
        if (eventLog != null) {
            eventLog.start();
        }
        return running.waiting().await();
    }

    private static Running alone(RelayConfig config) {
        Relay relay = Relay.start(config);
        Waiting untilClosed = () -> {
            relay.awaitClose();
            if (relay.isClosed()) {
                return ExitCodes.OK;
            }
            LogManager.getLogger(RelayCommand.class).error("the relay's listening socket closed unexpectedly");
            return ExitCodes.FAILURE;
        };
        return new Running(relay, relay::close, untilClosed, relay.toString(), true);
    }

    /**
     * {@code --api}: the API serves beside the relay, which is its proxy {@value #PROXY}, so that a client can break,
     * disable and move it as it likes; the command runs until SIGINT or SIGTERM, whatever the API does to the relay.
     */
    private static Running withApi(RelayConfig config, InetSocketAddress address) {
        ToxiproxyApi api = ApiOptions.start(address, config.seed().orElseGet(() -> ThreadLocalRandom.current()
                .nextLong()));
        Relay relay;
        try {
            relay = api.add(PROXY, config);
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        LogManager.getLogger(RelayCommand.class)
                .info("Toxiproxy API on {}: the relay is its proxy '{}'", ApiOptions.url(api.address()), PROXY);
        Waiting untilSignal = () -> {
            new CountDownLatch(1).await(); // until the hook stops the API, and so the relay, and exits
            return ExitCodes.OK;
        };
        return new Running(relay, api::close, untilSignal, relay + " and the Toxiproxy API", false);
    }

    /** Every value checked, before anything is bound. */
    RelayConfig config() {
        Endpoint from = tls.endpoint(Options.endpoint(listen));
        Endpoint to = Options.endpoint(target);
        RelayConfig config = RelayConfig.of(from, to).withIo(transport.io());
        try {
            config.validate();
        } catch (IllegalArgumentException otherFamily) {
            throw new UsageException(otherFamily.getMessage());
        }
        boolean stream = from.kind().isStream();
        String streams = "stream relays (tcp, tls, unix)";
        String datagrams = "datagram relays (udp, unixgram)";
        refuseUnless(stream, "--connect-timeout", connectTimeout, streams, from);
        refuseUnless(stream, "--max-connections", maxConnections, streams, from);
        refuseUnless(!stream, "--max-sessions", maxSessions, datagrams, from);
        refuseUnless(!stream, "--session-idle-timeout", sessionIdleTimeout, datagrams, from);
        refuseUnless(stream, "--idle-timeout", idleTimeout, streams, from);
        if (idleTimeout != null) {
            config = config.withIdleTimeout(
                    Options.timeout("--idle-timeout", idleTimeout).orElse(Duration.ZERO));
        }
        if (connectTimeout != null) {
            config = config.withConnectTimeout(Options.duration("--connect-timeout", connectTimeout));
        }
        if (maxConnections != null) {
            config = config.withMaxConnections(
                    Options.count("--max-connections", maxConnections, 1, RelayConfig.MAX_CONNECTIONS));
        }
        if (maxSessions != null) {
            config = config.withMaxSessions(Options.count("--max-sessions", maxSessions, 1, RelayConfig.MAX_SESSIONS));
        }
        if (sessionIdleTimeout != null) {
            config = config.withSessionIdleTimeout(Options.duration("--session-idle-timeout", sessionIdleTimeout));
        }
        if (bufferSize != null) {
            config = config.withBufferSize(Options.size("--buffer-size", bufferSize, 1, Sizes.MAX_READ_BUFFER));
        }
        if (threads != null) {
            config = config.withThreads(Options.count("--threads", threads, 1, 1024));
        }
        for (var setting : transport.socketOptions()) {
            config = config.withSocketOption(setting);
        }
        config = tls.config(from).map(config::withListenTls).orElse(config);
        config = tls.handshakeTimeout().map(config::withTlsHandshakeTimeout).orElse(config);
        config = targetTls(to).map(config::withTargetTls).orElse(config);
        config = withFaults(config, from);
        config = hexDump.sink().map(config::withHexDump).orElse(config);
        try {
            return config.validate();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The --fault and --seed options, each fault checked against LISTEN's kind. */
    private RelayConfig withFaults(RelayConfig config, Endpoint from) {
        List<Fault> parsed = new ArrayList<>();
        for (String text : faults) {
            try {
                parsed.add(Fault.parse(text).requireAppliesTo(from.kind()));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--fault " + text + ": " + e.getMessage());
            }
        }
        RelayConfig withFaults = config.withFaults(parsed.toArray(Fault[]::new));
        if (seed == null) {
            return withFaults;
        }
        try {
            return withFaults.withSeed(Long.parseLong(seed.strip()));
        } catch (NumberFormatException e) {
            throw new UsageException("--seed '" + seed + "' is not a whole number; accepted: any from " + Long.MIN_VALUE
                    + " to " + Long.MAX_VALUE);
        }
    }

    /** The target's TLS: only toward a tls:// target, trusting as the --target-* options say. */
    private Optional<TlsConfig> targetTls(Endpoint to) {
        String[] names = {"--target-ca", "--target-pin", "--target-insecure"};
        Object[] values = {targetCa, targetPin, targetInsecure};
        for (int i = 0; i < names.length && !to.isTls(); i++) {
            if (values[i] != null && !Boolean.FALSE.equals(values[i])) {
                throw new UsageException(names[i] + " needs a tls:// TARGET");
            }
        }
        if (!to.isTls()) {
            return Optional.empty();
        }
        TlsConfig config = ClientTlsOptions.trust(TlsConfig.client(), "--target-", targetCa, targetPin, targetInsecure);
        return Optional.of(config.withEngine(TlsEngine.JDK));
    }

    private static void refuseUnless(boolean applies, String option, Object value, String where, Endpoint from) {
        if (!applies && value != null) {
            throw new UsageException(
                    option + " applies to " + where + ", not " + from.kind().scheme());
        }
    }
}
