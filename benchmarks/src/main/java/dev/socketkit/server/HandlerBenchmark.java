package dev.socketkit.server;

import dev.socketkit.bench.OutboundSink;
import dev.socketkit.bench.SocketKitBenchmark;
import dev.socketkit.bench.Traffic;
import dev.socketkit.codec.Framing;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.Locale;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The echo and welcome servers answering 256 frames: a stream connection's whole pipeline, without the socket; time
 * per frame the peer sent.
 *
 * <p>The pipeline is the one {@code Server} builds for each stream connection (byte counter, frame codec, frame
 * counter, the kind's handler, connection handler; no message log, which only DEBUG installs), behind an {@link
 * OutboundSink} standing in for the socket. The reads are fired into it directly ({@link Traffic#deliver}), so the time
 * is the handlers' and the codec's, not {@code EmbeddedChannel}'s; {@code PipelineOverheadBenchmark} measures that.
 * With raw framing a frame is a read: the server answers each read once.
 *
 * <p>What the stream guards cost on the hot path: {@code -p guards=on,off} runs the pipeline with the default idle,
 * frame and write timeouts, and without the handler that keeps them (what the server builds when every timeout is
 * 0). That handler's cost is per read loop (a clock read when reading starts and once per flush), so {@code -p
 * reads=pingpong}, one frame per read loop as the harness's round trips arrive, pays it once per frame: the figure to
 * hold beside the server's CPU per round trip on a real socket. The connection limit acts once per connection, {@code
 * ConnectionSetupBenchmark}'s business.
 */
public class HandlerBenchmark extends SocketKitBenchmark {
    /** The server: {@code echo} or {@code welcome}. */
    @Param({"echo", "welcome"})
    public String kind;

    /** The framing: {@code raw}, {@code line} or {@code length4}. */
    @Param({"raw", "line", "length4"})
    public String framing;

    /** Bytes per frame as decoded: terminator included, length prefix not. */
    @Param({"64", "1024"})
    public int frameSize;

    /** How the socket's reads cut the stream, a {@link Traffic.Shape}: by default aligned and split. */
    @Param({"aligned", "split"})
    public String reads;

    /**
     * {@code on}: the default timeouts, so the deadlines handler (which also counts bytes) in the pipeline (the
     * default); {@code off}: every timeout 0, so the server's plain byte counter in its place.
     */
    @Param({"on"})
    public String guards;

    private Traffic traffic;
    private OutboundSink sink;
    private EmbeddedChannel channel;

    /** Builds the stream and the connection's pipeline, then registers it, which sends welcome's greeting. */
    @Setup
    public void setUp() throws Exception {
        traffic = Traffic.of(framing, frameSize, Traffic.Shape.of(reads));
        Framing frames = Traffic.framing(framing, frameSize);
        ServerConfig config = ServerConfig.defaults()
                .withKind(ServerKind.valueOf(kind.toUpperCase(Locale.ROOT)))
                .withFraming(frames);
        sink = new OutboundSink();
        channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(sink);
        if (guards.equals("off")) {
            // Every timeout 0: the server installs no deadlines handler, and its plain counter in that place.
            config = config.withIdleTimeout(Duration.ZERO)
                    .withFrameTimeout(Duration.ZERO)
                    .withWriteTimeout(Duration.ZERO);
        }
        streamPipeline(channel.pipeline(), config);
        if ((channel.pipeline().get(ConnectionDeadlines.class) != null) != guards.equals("on")) {
            throw new IllegalStateException("guards " + guards + " and this pipeline disagree: " + channel.pipeline());
        }
        channel.register();
    }

    /** Adds what {@code Server} installs on a connection for {@code config}, through the server's own code. */
    static void streamPipeline(ChannelPipeline pipeline, ServerConfig config) {
        new ServerInitializer(config, config.kind().handlerFactory(config), null, new Counters())
                .addStreamHandlers(pipeline);
    }

    /** Delivers the whole stream; the answers reach the sink, which releases them at each flush. */
    @Benchmark
    @OperationsPerInvocation(Traffic.FRAMES)
    public void serve() {
        traffic.deliver(channel.pipeline());
    }

    /** Releases the channel's buffers and the stream. */
    @TearDown
    public void tearDown() {
        channel.finishAndReleaseAll();
        traffic.close();
    }

    OutboundSink sink() {
        return sink;
    }

    Traffic traffic() {
        return traffic;
    }

    EmbeddedChannel channel() {
        return channel;
    }
}
