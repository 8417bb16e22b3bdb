package dev.socketkit.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.bench.Traffic;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every codec benchmark configuration once, quickly and under the build's paranoid leak detection, to check that
 * it measures what it says: every frame decoded, every message encoded to the expected bytes, every buffer released.
 */
class CodecBenchmarksTest {
    private static final String[] FRAMINGS = {"raw", "line", "delimiter", "length2", "length4", "fixed"};

    static Stream<Arguments> decoderConfigurations() {
        return Stream.of(FRAMINGS)
                .flatMap(framing -> Stream.of(64, 1024).flatMap(size -> Stream.of("aligned", "split", "segments")
                        .map(reads -> Arguments.of(framing, size, reads))));
    }

    static Stream<Arguments> encoderConfigurations() {
        return Stream.of(FRAMINGS).flatMap(framing -> Stream.of(64, 1024)
                .flatMap(size -> Stream.of("frame", "bare").map(message -> Arguments.of(framing, size, message))));
    }

    @ParameterizedTest
    @MethodSource("decoderConfigurations")
    void decoderBenchmarkDecodesEveryFrame(String framing, int size, String reads) {
        DecoderBenchmark benchmark = new DecoderBenchmark();
        benchmark.framing = framing;
        benchmark.frameSize = size;
        benchmark.reads = reads;
        benchmark.setUp();
        try {
            benchmark.decode(null);
            boolean raw = framing.equals("raw"); // each read is a frame
            long frames = raw ? benchmark.traffic().reads() : Traffic.FRAMES;
            long bytes = raw ? benchmark.traffic().length() : (long) Traffic.FRAMES * size;
            assertEquals(frames, benchmark.sink().frames());
            assertEquals(bytes, benchmark.sink().bytes());
        } finally {
            benchmark.tearDown();
        }
    }

    @ParameterizedTest
    @MethodSource("encoderConfigurations")
    void encoderBenchmarkWritesCompleteFrames(String framing, int size, String message) {
        EncoderBenchmark benchmark = new EncoderBenchmark();
        benchmark.framing = framing;
        benchmark.frameSize = size;
        benchmark.message = message;
        benchmark.setUp();
        try {
            benchmark.encode();
            int prefix = framing.startsWith("length") ? framing.charAt("length".length()) - '0' : 0;
            // The encoder adds a buffer when it prefixes, terminates or pads.
            boolean added = prefix > 0 || (message.equals("bare") && !framing.equals("raw"));
            assertEquals(
                    (long) Traffic.FRAMES * (added ? 2 : 1), benchmark.sink().messages());
            assertEquals(
                    (long) Traffic.FRAMES * (size + prefix), benchmark.sink().bytes());
        } finally {
            benchmark.tearDown();
        }
    }
}
