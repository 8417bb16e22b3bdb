package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.socketkit.bench.Traffic;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every server benchmark configuration once, quickly and under the build's paranoid leak detection, to check
 * that it measures what it says: every frame answered with the expected bytes, every buffer released.
 */
class ServerBenchmarksTest {
    static Stream<Arguments> handlerConfigurations() {
        return Stream.of("echo", "welcome").flatMap(kind -> Stream.of("raw", "line", "length4")
                .flatMap(framing -> Stream.of(64, 1024).flatMap(size -> Stream.of("aligned", "split")
                        .map(reads -> Arguments.of(kind, framing, size, reads)))));
    }

    @ParameterizedTest
    @MethodSource("handlerConfigurations")
    void handlerBenchmarkAnswersEveryFrame(String kind, String framing, int size, String reads) throws Exception {
        HandlerBenchmark benchmark = new HandlerBenchmark();
        benchmark.kind = kind;
        benchmark.framing = framing;
        benchmark.frameSize = size;
        benchmark.reads = reads;
        benchmark.guards = "on";
        benchmark.setUp();
        try {
            benchmark.serve();
            long stream = benchmark.traffic().length();
            long expected = stream;
            if (kind.equals("welcome")) {
                ServerConfig defaults = ServerConfig.defaults();
                // The greeting goes through the encoder too, which ends it with a newline or prefixes its length.
                long greeting = defaults.greeting().getBytes(UTF_8).length
                        + (framing.equals("line") ? 1 : framing.equals("length4") ? 4 : 0);
                long answers = framing.equals("raw") ? benchmark.traffic().reads() : Traffic.FRAMES;
                expected += greeting + answers * defaults.dataPrefix().getBytes(UTF_8).length;
            }
            assertEquals(expected, benchmark.sink().bytes());
        } finally {
            benchmark.tearDown();
        }
    }

    static Stream<Arguments> guardsConfigurations() {
        return Stream.of("on", "off")
                .flatMap(guards -> Stream.of("pingpong", "aligned").map(reads -> Arguments.of(guards, reads)));
    }

    /** The guards' configurations of the raw echo, which a reader runs with {@code -p guards=on,off}. */
    @ParameterizedTest
    @MethodSource("guardsConfigurations")
    void handlerBenchmarkEchoesEveryFrameWithAndWithoutTheDeadlines(String guards, String reads) throws Exception {
        HandlerBenchmark benchmark = new HandlerBenchmark();
        benchmark.kind = "echo";
        benchmark.framing = "raw";
        benchmark.frameSize = 64;
        benchmark.reads = reads;
        benchmark.guards = guards;
        benchmark.setUp();
        try {
            assertEquals(
                    guards.equals("on"),
                    benchmark.channel().pipeline().get(ConnectionDeadlines.class) != null,
                    benchmark.channel().pipeline()::toString);
            benchmark.serve();
            assertEquals(benchmark.traffic().length(), benchmark.sink().bytes());
            // pingpong answers each frame in a read loop of its own: one flush, so one buffer sent, per frame.
            long sent = reads.equals("pingpong")
                    ? Traffic.FRAMES
                    : benchmark.traffic().reads();
            assertEquals(sent, benchmark.sink().messages());
        } finally {
            benchmark.tearDown();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"on", "off"})
    void connectionSetupBenchmarkOpensAndClosesAGuardedConnection(String guards) throws Exception {
        ConnectionSetupBenchmark benchmark = new ConnectionSetupBenchmark();
        benchmark.guards = guards;
        benchmark.setUp();
        EmbeddedChannel open = benchmark.open();
        try {
            assertEquals(
                    guards.equals("on"),
                    open.pipeline().get(ConnectionDeadlines.class) != null,
                    open.pipeline()::toString);
            assertEquals(Set.of(open), benchmark.connections(), "the server remembers its open connection");
        } finally {
            open.close();
        }
        EmbeddedChannel closed = benchmark.connection();
        assertFalse(closed.isOpen());
        assertEquals(Set.of(), benchmark.connections(), "every connection forgotten once closed");
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024})
    void overheadBenchmarkDrivesEachPipeline(int size) {
        PipelineOverheadBenchmark benchmark = new PipelineOverheadBenchmark();
        benchmark.frameSize = size;
        benchmark.setUp();
        try {
            benchmark.emptyPipeline(null);
            benchmark.emptyEmbedded(null);
            benchmark.echoPipeline();
            benchmark.echoEmbedded();
            long stream = (long) Traffic.FRAMES * size;
            assertEquals(stream, benchmark.emptySink().bytes());
            assertEquals(stream, benchmark.emptyEmbeddedSink().bytes());
            assertEquals(stream, benchmark.echoSink().bytes());
            assertEquals(0, benchmark.echoEmbeddedChannel().outboundMessages().size());
        } finally {
            benchmark.tearDown();
        }
    }
}
