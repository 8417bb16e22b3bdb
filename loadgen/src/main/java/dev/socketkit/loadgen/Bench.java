package dev.socketkit.loadgen;

import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import dev.socketkit.transport.internal.Bootstraps;
import dev.socketkit.transport.internal.Failures;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A benchmark against one echo server: {@link #prepare} checks the configuration without opening a socket, {@link
 * #run} opens the connections, runs the warmup and the measured window, and returns the report.
 *
 * <p>One event-loop group drives every connection; each connection's worker runs on its loop, records into that loop's
 * {@link LoopStats}, and the loops' histograms are merged once the loops have stopped, so nothing is shared on the hot
 * path.
 */
public final class Bench {
    /** Connects in flight at once while opening the connections, so a burst does not overflow a listen backlog. */
    private static final int CONNECTS_IN_FLIGHT = 64;

    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Slack beyond the configured timeouts for Netty's own connect timeout and the final drain to report. */
    private static final long GRACE_MILLIS = 1000;

    /** Each read of a stream connection takes at most this; a longer echo arrives in several reads. */
    private static final int STREAM_READ_MAX = 64 * 1024;

    private final BenchConfig config;
    private final Transport transport;

    private Bench(BenchConfig config, Transport transport) {
        this.config = config;
        this.transport = transport;
    }

    /**
     * Checks that {@code config} can run here, without opening a socket.
     *
     * @param config the benchmark to run
     * @return a benchmark ready to {@link #run} {@code config} on the transport selected for its endpoint
     * @throws IllegalArgumentException if it cannot run anywhere: what {@link BenchConfig#validate()} refuses, a
     *     socket option the transport has not, a Unix path too long
     * @throws IllegalStateException if the transport it needs is not available on this machine
     */
    public static Bench prepare(BenchConfig config) {
        config.validate();
        Transport transport = Bootstraps.select(config.io(), config.endpoint(), config.socketOptions());
        return new Bench(config, transport);
    }

    /**
     * Runs the benchmark and returns its report, as {@link #run(Progress.Listener)} does, telling no one how it goes.
     *
     * @return the report: counts from the measured window, errors, mismatches, loss and late echoes from the whole run
     * @throws IllegalStateException naming the endpoint if the server cannot be reached at all: no such socket file,
     *     host not found, refused, or the connections could not be opened within the timeout
     * @throws InterruptedException if this thread is interrupted while opening the connections or waiting for the run
     *     to end
     */
    public BenchReport run() throws InterruptedException {
        return run(null);
    }

    /**
     * Runs the benchmark on this thread, which waits for the warmup and the window, and returns its report, whatever
     * the echoes were. Each run opens connections of its own and closes them all before it returns.
     *
     * @param listener told about once a second, on this thread, how the warmup and the window go; null for no progress
     * @return the report: counts from the measured window, errors, mismatches, loss and late echoes from the whole run
     * @throws IllegalStateException naming the endpoint if the server cannot be reached at all: no such socket file,
     *     host not found, refused, or the connections could not be opened within the timeout
     * @throws InterruptedException if this thread is interrupted while opening the connections or waiting for the run
     *     to end
     */
    public BenchReport run(Progress.Listener listener) throws InterruptedException {
        SocketAddress remote = remote();
        BenchTls tls = BenchTls.of(config);
        Payloads payloads = new Payloads(
                Math.max(config.size(), STREAM_READ_MAX),
                ThreadLocalRandom.current().nextLong());
        EventLoopGroup group;
        try {
            group = transport.newEventLoopGroup(config.threads(), "socketkit-bench");
        } catch (RuntimeException e) {
            payloads.close();
            throw e;
        }
        Map<EventExecutor, LoopStats> loops = new IdentityHashMap<>();
        for (EventExecutor loop : group) {
            loops.put(loop, new LoopStats());
        }
        List<Path> ownSocketFiles = new ArrayList<>();
        boolean stopped = false;
        try {
            Run run = new Run(config, payloads, loops, config.connections());
            long connectStart = System.nanoTime();
            List<Started> workers = open(run, group, remote, tls, ownSocketFiles);
            double connectSeconds = (System.nanoTime() - connectStart) / (double) SECOND_NANOS;

            Window window = Window.startingAt(
                    System.nanoTime(),
                    config.warmup().toNanos(),
                    config.duration().toNanos());
            long tick = tickNanos();
            for (Map.Entry<EventExecutor, LoopStats> loop : loops.entrySet()) {
                loop.getKey().scheduleAtFixedRate(loop.getValue()::tick, tick, tick, TimeUnit.NANOSECONDS);
            }
            for (Started started : workers) {
                started.loop().execute(() -> started.worker().start(window));
            }
            CpuUse cpu = watch(run, window, loops, listener, config.serverPid().orElse(0));
            awaitEnd(run, window, workers);
            stopped = stop(group);
            return report(run, window, loops, connectSeconds, cpu);
        } finally {
            if (!stopped) {
                stopped = stop(group);
            }
            if (stopped) {
                payloads.close(); // only once no loop can still be writing a slice of it
            }
            for (Path file : ownSocketFiles) {
                deleteQuietly(file);
            }
        }
    }

    /** The probe's handler: its failure is read from its futures, not logged as one that reached the pipeline's end. */
    private static final class Quiet extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** A worker and the loop it runs on. */
    private record Started(Worker worker, EventExecutor loop) {}

    private SocketAddress remote() {
        Endpoint endpoint = config.endpoint();
        Bootstraps.unreachable(endpoint).ifPresent(why -> {
            throw new IllegalStateException(why.describe(endpoint));
        });
        return transport.socketAddress(endpoint);
    }

    private Bootstrap bootstrap(EventLoopGroup group) {
        SocketKind kind = config.endpoint().kind();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.channelClass(kind));
        Bootstraps.connectTimeout(bootstrap, config.timeout());
        if (kind.isDatagram()) {
            // One byte more than sent, so a longer echo shows as one rather than being cut to size.
            Bootstraps.datagramReads(bootstrap, Math.max(2048, config.size() + 1));
        }
        return Bootstraps.applyOptions(bootstrap, config.socketOptions());
    }

    /**
     * Opens the connections (for connrate: checks once that the server accepts, and with TLS that a handshake
     * succeeds), and returns the workers; with TLS, once every handshake is done.
     */
    private List<Started> open(
            Run run, EventLoopGroup group, SocketAddress remote, BenchTls tls, List<Path> ownSocketFiles)
            throws InterruptedException {
        SplittableRandom random = new SplittableRandom();
        List<Started> workers = new ArrayList<>();
        long waitMillis = config.timeout().toMillis() + GRACE_MILLIS;
        if (config.mode() == Mode.CONNRATE) {
            ChannelHandler nothing = new Quiet();
            ChannelFuture probe = bootstrap(group)
                    .handler(withHeader(config, tls == null ? nothing : tls.initializer(nothing)))
                    .connect(remote);
            try {
                awaitConnected(probe, waitMillis);
                if (tls != null) {
                    tls.awaitHandshake(probe.channel(), waitMillis);
                }
            } finally {
                probe.channel().close().awaitUninterruptibly(waitMillis);
            }
            for (int i = 0; i < config.connections(); i++) {
                EventLoop loop = group.next();
                workers.add(
                        new Started(new ConnRateWorker(run, loop, bootstrap(loop), remote, tls, random.split()), loop));
            }
            return workers;
        }
        Bootstrap bootstrap = bootstrap(group);
        Semaphore inFlight = new Semaphore(CONNECTS_IN_FLIGHT);
        List<ChannelFuture> connects = new ArrayList<>();
        List<ChannelWorker> opened = new ArrayList<>();
        for (int i = 0; i < config.connections(); i++) {
            if (!inFlight.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("connecting to " + run.endpoint + " timed out");
            }
            ChannelWorker worker = config.endpoint().kind().isDatagram()
                    ? new DatagramPingPong(run, i, random.split())
                    : config.mode() == Mode.STREAM
                            ? new StreamFlood(run, i, random.split())
                            : new StreamPingPong(run, i, random.split());
            Path own = Bootstraps.clientBindPath(config.endpoint().kind()).orElse(null);
            if (own != null) {
                ownSocketFiles.add(own);
            }
            ChannelHandler handler = tls == null ? worker : tls.initializer(worker);
            ChannelFuture connect =
                    Bootstraps.connect(bootstrap.clone().handler(withHeader(config, handler)), remote, own);
            connect.addListener(f -> inFlight.release());
            connects.add(connect);
            opened.add(worker);
        }
        for (int i = 0; i < connects.size(); i++) {
            awaitConnected(connects.get(i), waitMillis);
            workers.add(new Started(opened.get(i), connects.get(i).channel().eventLoop()));
        }
        // Only after every handshake: a worker's first message must not wait behind one, nor time it.
        for (ChannelFuture connect : tls == null ? List.<ChannelFuture>of() : connects) {
            tls.awaitHandshake(connect.channel(), waitMillis);
        }
        return workers;
    }

    /**
     * {@code handler}, behind the writer of the PROXY header the run sends, if any: the header is then the connection's
     * first bytes, whatever the handler writes as it becomes active.
     */
    static ChannelHandler withHeader(BenchConfig config, ChannelHandler handler) {
        if (config.proxyHeader().isEmpty()) {
            return handler;
        }
        ChannelHandler writer = ProxyProtocol.headerWriter(config.proxyHeader().get());
        return new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(writer, handler);
            }
        };
    }

    private void awaitConnected(ChannelFuture connect, long waitMillis) throws InterruptedException {
        String endpoint = config.endpoint().toString();
        if (!connect.await(waitMillis)) {
            connect.cancel(false);
            throw new IllegalStateException("connecting to " + endpoint + " timed out");
        }
        if (!connect.isSuccess()) {
            throw new IllegalStateException(Failures.describe(endpoint, connect.cause()));
        }
    }

    /** How often each loop checks its workers' timeouts: a quarter of the shortest, within 1-100 ms. */
    private long tickNanos() {
        long shortest =
                Math.min(config.timeout().toNanos(), config.datagramTimeout().toNanos());
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(shortest / 4, TimeUnit.MILLISECONDS.toNanos(100)));
    }

    /** CPU use during the window, each in % of one core, -1 where unknown: this process's, and the server's. */
    private record CpuUse(double client, double server) {}

    /**
     * Waits for the window to end (or every worker to fail first), telling {@code listener} once a second; returns this
     * process's CPU use during the window and, with a {@code serverPid} above 0, that process's.
     */
    private static CpuUse watch(
            Run run, Window window, Map<EventExecutor, LoopStats> loops, Progress.Listener listener, long serverPid)
            throws InterruptedException {
        ProgressSampler sampler = new ProgressSampler(window, loops.values(), run.outcome);
        long nextLook = window.start() + SECOND_NANOS;
        if (nextLook - window.measureFrom() >= 0) {
            nextLook = window.measureFrom() + SECOND_NANOS; // the window's first look covers its first whole second
        }
        long cpuAtStart = -1;
        long serverTicksAtStart = -1;
        long cpuStartedAt = 0;
        while (true) {
            long now = System.nanoTime();
            if (cpuAtStart < 0 && now - window.measureFrom() >= 0) {
                cpuAtStart = ProcessCpu.nanos();
                serverTicksAtStart = serverPid > 0 ? ServerCpu.ticks(serverPid) : -1;
                cpuStartedAt = now;
            }
            if (window.isOver(now)) {
                return cpuUse(cpuAtStart, serverPid, serverTicksAtStart, now - cpuStartedAt);
            }
            long wake = listener == null ? window.end() : Math.min(nextLook, window.end());
            if (cpuAtStart < 0) {
                wake = Math.min(wake, window.measureFrom());
            }
            if (run.done.await(Math.max(0, wake - now), TimeUnit.NANOSECONDS)) {
                // Every worker has ended: at the end of the window (the latch can beat this thread's timer), or early.
                return cpuUse(cpuAtStart, serverPid, serverTicksAtStart, System.nanoTime() - cpuStartedAt);
            }
            now = System.nanoTime();
            if (listener != null && now - nextLook >= 0 && !window.isOver(now)) {
                boolean measuring = nextLook - window.measureFrom() > 0; // as scheduled: a late wake changes nothing
                listener.update(sampler.sample(now, measuring));
                nextLook += SECOND_NANOS;
                if (!measuring && nextLook - window.measureFrom() >= 0) {
                    nextLook = window.measureFrom() + SECOND_NANOS; // each look in the window covers a whole second
                }
            }
        }
    }

    /** CPU used since the window's start readings over {@code elapsed} nanoseconds; -1 for what is unknown. */
    private static CpuUse cpuUse(long cpuAtStart, long serverPid, long serverTicksAtStart, long elapsed) {
        long cpu = ProcessCpu.nanos();
        double client = cpuAtStart < 0 || cpu < 0 || elapsed <= 0 ? -1 : 100.0 * (cpu - cpuAtStart) / elapsed;
        long serverTicks = serverPid > 0 ? ServerCpu.ticks(serverPid) : -1;
        // A server that ended during the window (or whose counters fell) is not measured.
        double server = serverTicksAtStart < 0 || serverTicks < serverTicksAtStart || elapsed <= 0
                ? -1
                : 100.0 * (serverTicks - serverTicksAtStart) * SECOND_NANOS / ServerCpu.TICKS_PER_SECOND / elapsed;
        return new CpuUse(client, server);
    }

    /**
     * Lets each worker finish its last operation (or drain its stream); one still busy a timeout after the end is
     * counted as stalled and abandoned.
     */
    private void awaitEnd(Run run, Window window, List<Started> workers) throws InterruptedException {
        long limit =
                Math.max(config.timeout().toNanos(), config.datagramTimeout().toNanos()) + 2 * tickNanos();
        long left = window.end() + limit - System.nanoTime();
        if (run.done.await(Math.max(left, 0), TimeUnit.NANOSECONDS)) {
            return;
        }
        run.outcome.error("stalled: " + run.done.getCount() + " of " + workers.size()
                + " connections still waiting for echoes " + config.timeout().toMillis() + " ms after the end");
        for (Started started : workers) {
            started.loop().execute(started.worker()::abandon);
        }
    }

    /** Stops the event loops, closing every channel; true once they have stopped. */
    private static boolean stop(EventLoopGroup group) {
        Future<?> terminated = group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        return terminated.awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private BenchReport report(
            Run run, Window window, Map<EventExecutor, LoopStats> loops, double connectSeconds, CpuUse cpu) {
        Histogram latency = new Histogram(LoopStats.HIGHEST_NANOS, LoopStats.DIGITS);
        long ops = 0;
        long bytes = 0;
        for (LoopStats stats : loops.values()) {
            latency.add(stats.latency());
            ops += stats.ops();
            bytes += stats.bytes();
        }
        if (config.mode() == Mode.STREAM) {
            ops = bytes / config.size(); // writes' worth of echoed bytes, as the harness counts them
        }
        if (ops == 0 && run.outcome.errors() == 0 && run.outcome.mismatches() == 0) {
            // Nothing measured is no measurement: a script must not read zeros as a result.
            run.outcome.error(
                    "no operation completed in the " + config.duration().toMillis() + " ms window");
        }
        return new BenchReport(
                config.mode(),
                run.endpoint,
                transport.id(),
                config.connections(),
                config.size(),
                config.threads(),
                config.rate(),
                config.warmup().toNanos() / (double) SECOND_NANOS,
                window.durationNanos() / (double) SECOND_NANOS,
                connectSeconds,
                ops,
                bytes,
                config.mode() == Mode.STREAM ? null : Latency.of(latency),
                run.outcome.errors(),
                run.outcome.mismatches(),
                run.outcome.loss(),
                run.outcome.late(),
                cpu.client(),
                cpu.server(),
                run.outcome.samples());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A leftover socket file in the temp directory is harmless, and nothing useful can be done here.
        }
    }
}
