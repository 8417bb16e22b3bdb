package dev.socketkit.cli;

import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.loadgen.Bench;
import dev.socketkit.loadgen.BenchConfig;
import dev.socketkit.loadgen.BenchReport;
import dev.socketkit.loadgen.Mode;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.TlsEngine;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit bench [ENDPOINT]}: load an echo server and report throughput and latency percentiles.
 *
 * <p>stdout carries only the report (a table, or one JSON object with {@code --json}); the live progress line and
 * every diagnostic go to stderr. The progress line is shown only when stderr is a terminal, which the launcher script
 * tells by setting the system property {@code socketkit.stderr.tty} to {@code true}, and not with {@code -q}; so
 * {@code bench 2>err.log} writes no carriage-return lines to the file.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Load an echo server and measure it: every echoed byte is verified; the report gives operations per"
                    + " second, MB/s and latency percentiles (HdrHistogram) for the measured window.",
            "",
            "  pingpong  write --size bytes, read them back, repeat (default)",
            "  stream    write nonstop, read the echoed stream back: MB/s",
            "  connrate  connect, send, read back, close, repeat: connections/s",
            "",
            "udp:// and unixgram:// endpoints run pingpong with datagrams. A run with any differing echo or failed"
                    + " connection exits 1 after its report.",
            "TLS (--tls or tls://): every connection's handshake is done before the load starts; connrate makes a"
                    + " full handshake per connection, so it measures TLS handshakes per second. A failed handshake is"
                    + " one line and exit 1.",
            ""
        },
        footer = ExitCodes.HELP)
final class BenchCommand implements Callable<Integer> {
    /** Set to {@code true} by the launcher when stderr is a terminal: the only case that shows the progress line. */
    static final String STDERR_TTY_PROPERTY = "socketkit.stderr.tty";

    @Spec
    CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "ENDPOINT",
            description = "The echo server (default: ${DEFAULT-VALUE}).",
            defaultValue = "tcp://127.0.0.1:8090")
    String endpoint;

    @Option(
            names = {"-m", "--mode"},
            paramLabel = "MODE",
            description = "pingpong, stream or connrate (default: ${DEFAULT-VALUE}).",
            defaultValue = "pingpong")
    String mode;

    @Option(
            names = {"-c", "--connections"},
            paramLabel = "N",
            description = "Connections (datagram sockets, connect loops) at once (default: ${DEFAULT-VALUE}).",
            defaultValue = "1")
    int connections;

    @Option(
            names = {"-s", "--size"},
            paramLabel = "BYTES",
            description = "Bytes per message, e.g. 64, 1k, 64k (default: ${DEFAULT-VALUE}).",
            defaultValue = "64")
    String size;

    @Option(
            names = {"-d", "--duration"},
            paramLabel = "DURATION",
            description = "The measured window, e.g. 500ms, 10s, 1m (default: ${DEFAULT-VALUE}).",
            defaultValue = "10s")
    String duration;

    @Option(
            names = "--warmup",
            paramLabel = "DURATION",
            description = "Load before the window, not counted; 0 for none (default: ${DEFAULT-VALUE}).",
            defaultValue = "1s")
    String warmup;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "pingpong at a fixed N messages/s in total, latency measured from when each was due"
                    + " (corrected for coordinated omission); default: as fast as echoes come.")
    Integer rate;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            description = "The longest connect, and the longest wait for an echo before a connection counts as"
                    + " stalled (default: ${DEFAULT-VALUE}).",
            defaultValue = "5s")
    String timeout;

    @Option(
            names = "--datagram-timeout",
            paramLabel = "DURATION",
            description = "udp, unixgram: a datagram whose echo takes longer is counted as lost (default:"
                    + " ${DEFAULT-VALUE}).",
            defaultValue = "200ms")
    String datagramTimeout;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Event-loop threads (default: one per core, at most one per connection).")
    Integer threads;

    @Option(
            names = "--server-pid",
            paramLabel = "PID",
            description = "Also measure process PID's CPU time (the server's, children included, from /proc) during the"
                    + " window, and report the work per server CPU-second: comparable between servers when the load"
                    + " generator sets the pace (Linux).")
    Long serverPid;

    @Option(names = "--json", description = "Print the report as one JSON object on one line.")
    boolean json;

    @Mixin
    ClientTlsOptions tls;

    @Mixin
    TransportOptions transport;

    @Mixin
    SendProxyOption proxy;

    @Mixin
    LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        logging.apply(); // first: choosing the transport loads classes whose loggers would start Log4j
        BenchConfig config = config();
        Bench bench;
        try {
            bench = Bench.prepare(config);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        ClientTlsOptions.warnIfInsecure(config.tls());
        PrintWriter err = spec.commandLine().getErr();
        // A progress line only for a person watching stderr; System.console() would test stdin and stdout instead.
        boolean stderrTty = Boolean.getBoolean(STDERR_TTY_PROPERTY);
        ProgressLine progress = stderrTty && !logging.quiet ? new ProgressLine(err) : null;
        BenchReport report;
        try {
            report = bench.run(progress);
        } finally {
            if (progress != null) {
                progress.clear();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + System.lineSeparator() : report.toText());
        out.flush();
        if (report.ok()) {
            return ExitCodes.OK;
        }
        err.println("socketkit: " + report.mismatches() + " mismatched echoes and " + report.errors()
                + " connection errors"
                + (report.errorSamples().isEmpty()
                        ? ""
                        : "; first: " + report.errorSamples().get(0)));
        err.flush();
        return ExitCodes.FAILURE;
    }

    /** Every value checked before anything is opened, in the words of the options. */
    BenchConfig config() {
        Endpoint where = tls.endpoint(Options.endpoint(endpoint));
        Mode chosen;
        try {
            chosen = Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--mode: " + e.getMessage());
        }
        Options.count("--connections", connections, 1, BenchConfig.MAX_CONNECTIONS);
        int bytes = Options.size("--size", size, 1, BenchConfig.maxSize(where.kind()));
        Duration window = Options.duration("--duration", duration);
        Duration before = durationOrZero("--warmup", warmup);
        int perSecond = rate == null ? 0 : Options.count("--rate", rate, 1, Integer.MAX_VALUE);
        Duration wait = Options.duration("--timeout", timeout);
        Duration datagramWait = Options.duration("--datagram-timeout", datagramTimeout);
        if (threads != null) {
            Options.count("--threads", threads, 1, BenchConfig.MAX_THREADS);
        }
        // The load generator never half-closes, so it takes OpenSSL where it loads: the faster client leaves the
        // server as the thing measured.
        Optional<TlsConfig> tlsConfig = tls.config(where, TlsEngine.AUTO);
        Optional<ProxyVersion> header = proxy.version(where);
        SocketKind kind = where.kind();
        if (kind.isDatagram() && chosen != Mode.PINGPONG) {
            throw new UsageException("--mode " + chosen.id() + " needs a stream endpoint (tcp:// or unix://); "
                    + kind.scheme() + " endpoints run pingpong with datagrams");
        }
        if (perSecond > 0 && chosen != Mode.PINGPONG) {
            throw new UsageException("--rate applies to --mode pingpong, not " + chosen.id());
        }
        BenchConfig config = BenchConfig.defaults()
                .withMode(chosen)
                .withEndpoint(where)
                .withIo(transport.io())
                .withConnections(connections)
                .withSize(bytes)
                .withDuration(window)
                .withWarmup(before)
                .withRate(perSecond)
                .withTimeout(wait)
                .withDatagramTimeout(datagramWait);
        for (SocketSetting setting : transport.socketOptions()) {
            config = config.withSocketOption(setting);
        }
        if (threads != null) {
            config = config.withThreads(threads);
        }
        if (header.isPresent()) {
            config = config.withProxyHeader(header.get());
        }
        if (tlsConfig.isPresent()) {
            config = config.withTls(tlsConfig.get());
        }
        if (serverPid != null) {
            try {
                config = config.withServerPid(serverPid);
            } catch (IllegalArgumentException noSuchProcess) {
                throw new UsageException("--server-pid " + serverPid + ": " + noSuchProcess.getMessage());
            }
        }
        return config;
    }

    /** Like {@link Options#duration}, but zero is allowed: no warmup. */
    private static Duration durationOrZero(String option, String text) {
        if (text.strip().matches("0+(ms|s|m|h)?")) {
            return Duration.ZERO;
        }
        return Options.duration(option, text);
    }
}
