package dev.socketkit.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Fuzz targets for the four framing decoders: parameters and input chosen by the fuzzer, the input written in reads of
 * arbitrary sizes, then the input shut down or the channel closed. Whatever the input, only the exceptions {@link
 * Framing} documents escape, every frame is within the limit, the frames are the input's own bytes in order (exactly
 * so until the first failure), and every buffer is released. A second per input is libFuzzer's limit in fuzzing mode
 * (the {@code fuzz} profile of the root pom).
 *
 * <p>Inputs for regression mode, and any crash found, are in {@code FrameDecoderFuzzTestInputs/<method>/}: the
 * parameters are read from the input's end, one byte each, then each read's size from the end and its bytes from the
 * front (see {@link FuzzedReads}).
 */
class FrameDecoderFuzzTest {
    /** Limits and sizes up to 256 take one byte of input each, and reach the limit well within a fuzzer's input. */
    private static final int MAX_LIMIT = 256;

    private static final byte[] LF = {'\n'};
    private static final byte[] CRLF = {'\r', '\n'};

    @FuzzTest
    void lineFraming(FuzzedDataProvider data) {
        int max = data.consumeInt(1, MAX_LIMIT);
        decode(
                data,
                Framing.line(max),
                Set.of(TooLongFrameException.class),
                cutAtFirst(max, LF, CRLF, LF),
                frame -> endsWith(frame, LF),
                frame -> frame);
    }

    @FuzzTest
    void delimiterFraming(FuzzedDataProvider data) {
        int max = data.consumeInt(1, MAX_LIMIT);
        byte[] delimiter = new byte[data.consumeInt(1, 4)];
        for (int i = 0; i < delimiter.length; i++) {
            delimiter[i] = data.consumeByte();
        }
        decode(
                data,
                Framing.delimiter(delimiter, max),
                Set.of(TooLongFrameException.class),
                cutAtFirst(max, delimiter, delimiter),
                frame -> endsWith(frame, delimiter),
                frame -> frame);
    }

    @FuzzTest
    void lengthFraming(FuzzedDataProvider data) {
        int fieldBytes = data.pickValue(new int[] {1, 2, 3, 4, 8});
        int max = data.consumeInt(1, MAX_LIMIT);
        decode(
                data,
                Framing.length(fieldBytes, max),
                Set.of(TooLongFrameException.class, CorruptedFrameException.class),
                frame -> frame.length <= max,
                frame -> true,
                frame -> withLengthField(frame, fieldBytes));
    }

    @FuzzTest
    void fixedFraming(FuzzedDataProvider data) {
        int size = data.consumeInt(1, MAX_LIMIT);
        decode(
                data,
                Framing.fixed(size),
                Set.of(),
                frame -> frame.length > 0 && frame.length <= size,
                frame -> frame.length == size,
                frame -> frame);
    }

    /** A property of one frame, such as being within the limit, or being whole rather than a tail. */
    private interface Check {
        boolean test(byte[] frame);
    }

    /** A frame as it stood in the input: the frame itself, or with its length field back in front. */
    private interface Wire {
        byte[] of(byte[] frame);
    }

    /**
     * Feeds the rest of {@code data} to {@code framing}'s decoder and checks what comes out. {@code complete} tells a
     * whole frame from a tail handed on at end of input, which only the last frame may be.
     */
    private static void decode(
            FuzzedDataProvider data,
            Framing framing,
            Set<Class<? extends Exception>> allowed,
            Check withinLimit,
            Check complete,
            Wire wire) {
        boolean shutDownInput = data.consumeBoolean();
        FuzzedReads reads = FuzzedReads.consume(data);
        EmbeddedChannel channel = new EmbeddedChannel();
        TrackingAllocator allocator = TrackingAllocator.installIn(channel);
        framing.addTo(channel.pipeline());

        Failures failures = new Failures(allowed);
        channel.pipeline().addLast(failures);

        List<Runnable> steps = new ArrayList<>();
        for (int i = 0; i < reads.reads().size(); i++) {
            int read = i;
            steps.add(() -> reads.write(channel, read));
        }
        if (shutDownInput) {
            steps.add(() -> channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE));
        }
        steps.add(channel::finish);

        // Frames read before the first failure must be the input exactly; after it, data may have been discarded.
        List<byte[]> exact = new ArrayList<>();
        List<byte[]> afterFailure = new ArrayList<>();
        for (Runnable step : steps) {
            step.run();
            readFrames(channel, allocator, failures.check() ? afterFailure : exact);
        }
        boolean failed = failures.check();
        assertFalse(channel.finishAndReleaseAll(), "nothing left once every frame was read");
        allocator.assertAllReleased();

        List<byte[]> frames = new ArrayList<>(exact);
        frames.addAll(afterFailure);
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i);
            assertTrue(withinLimit.test(frame), () -> framing + " let through " + ByteBufUtil.hexDump(frame));
            if (i < frames.size() - 1) {
                assertTrue(
                        complete.test(frame), () -> "only the last frame may be a tail: " + ByteBufUtil.hexDump(frame));
            }
        }
        byte[] input = reads.bytes();
        byte[] prefix = concat(exact, wire);
        if (!failed) {
            assertArrayEquals(input, prefix, "the frames, back to back, are not the input");
        }
        assertArrayEquals(
                Arrays.copyOf(input, prefix.length), prefix, "the frames before the failure changed the input");
        int from = prefix.length;
        for (byte[] frame : afterFailure) {
            int at = indexOf(Arrays.copyOfRange(input, from, input.length), wire.of(frame));
            if (at < 0) {
                fail("a frame after the failure is not in the rest of the input: " + ByteBufUtil.hexDump(frame));
            }
            from += at + wire.of(frame).length;
        }
    }

    /**
     * The last handler: takes every exception the decoder raises, so that each is checked against those the framing
     * documents. EmbeddedChannel itself would rethrow only the first of a read's exceptions and merely log the others,
     * and an exception thrown here would only be logged too, so {@link #check} throws after each step.
     */
    private static final class Failures extends ChannelInboundHandlerAdapter {
        private final Set<Class<? extends Exception>> allowed;
        private boolean any;
        private Throwable undocumented;

        Failures(Set<Class<? extends Exception>> allowed) {
            this.allowed = allowed;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            any = true;
            if (undocumented == null && !allowed.contains(cause.getClass())) {
                undocumented = cause;
            }
        }

        /** {@return whether the decoder has raised any exception so far}; fails if one was not documented. */
        boolean check() {
            if (undocumented != null) {
                throw new AssertionError("the decoder raised an exception its framing does not document", undocumented);
            }
            return any;
        }
    }

    /** Moves every decoded frame into {@code into}, released, its buffer tracked so that a missed release shows. */
    private static void readFrames(EmbeddedChannel channel, TrackingAllocator allocator, List<byte[]> into) {
        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            allocator.track(frame);
            into.add(ByteBufUtil.getBytes(frame));
            frame.release();
        }
    }

    private static byte[] concat(List<byte[]> frames, Wire wire) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] frame : frames) {
            out.writeBytes(wire.of(frame));
        }
        return out.toByteArray();
    }

    /**
     * A frame of a terminated framing is within the limit once its terminator (the first of {@code terminators} it ends
     * with, if any) is set aside, and holds no {@code shortest} terminator before its end.
     */
    private static Check cutAtFirst(int max, byte[] shortest, byte[]... terminators) {
        return frame -> {
            int content = frame.length - terminatorLength(frame, terminators);
            return content <= max && indexOf(Arrays.copyOf(frame, content), shortest) < 0;
        };
    }

    /** The length of the first of {@code terminators} that {@code frame} ends with, or 0. */
    private static int terminatorLength(byte[] frame, byte[]... terminators) {
        for (byte[] terminator : terminators) {
            if (endsWith(frame, terminator)) {
                return terminator.length;
            }
        }
        return 0;
    }

    private static boolean endsWith(byte[] bytes, byte[] suffix) {
        return bytes.length >= suffix.length
                && Arrays.equals(bytes, bytes.length - suffix.length, bytes.length, suffix, 0, suffix.length);
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] withLengthField(byte[] payload, int fieldBytes) {
        byte[] wire = new byte[fieldBytes + payload.length];
        long length = payload.length;
        for (int i = fieldBytes - 1; i >= 0; i--) {
            wire[i] = (byte) length;
            length >>>= 8;
        }
        System.arraycopy(payload, 0, wire, fieldBytes, payload.length);
        return wire;
    }
}
