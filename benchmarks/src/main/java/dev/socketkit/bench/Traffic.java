package dev.socketkit.bench;

import dev.socketkit.codec.Framing;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a peer sends in one benchmark operation: {@link #FRAMES} frames of one framing and size, as one stream, and the
 * socket reads that deliver it.
 *
 * <p>{@link #deliver} hands the reads to a pipeline as a Netty stream channel does: each read in a fresh I/O buffer from
 * the channel's allocator (so the copy out of the socket and the allocation are in every measurement, and in the
 * baseline that subtracts them), and {@code channelReadComplete} after every 16 reads, Netty's default read loop (after
 * every read in the {@link Shape#PINGPONG} shape).
 */
public final class Traffic implements AutoCloseable {
    /** Frames per operation; benchmarks divide their time by it to report per frame. */
    public static final int FRAMES = 256;

    private static final int READS_PER_LOOP = 16;
    private static final int MAX_FRAME_LENGTH = Framing.DEFAULT_MAX_FRAME_LENGTH;
    private static final byte[] TEXT =
            "The quick brown fox jumps over the lazy dog, 0123456789 times. ".getBytes(StandardCharsets.US_ASCII);

    /** How the socket's reads cut the stream. */
    public enum Shape {
        /** Reads of at most 16 KiB that end on frame boundaries: every read holds whole frames. */
        ALIGNED,
        /** Reads of 16,383 bytes: almost every read ends inside a frame, which the decoder keeps for the next read. */
        SPLIT,
        /** Reads of 1,448 bytes, one TCP segment's payload each: what a slow link or a trickling peer delivers. */
        SEGMENTS,
        /**
         * One frame per read and one read per read loop: a peer that waits for each answer before it sends again, as
         * the harness's pingpong does, so that every per-read-loop cost is paid once per frame.
         */
        PINGPONG;

        /** The shape named by a {@code @Param} value. */
        public static Shape of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final ByteBuf stream;
    private final int[] ends;
    private final int readsPerLoop;

    private Traffic(byte[] stream, int[] ends, int readsPerLoop) {
        // Unpooled and outside the channel's allocator, so it does not disturb what the benchmark allocates.
        this.stream = Unpooled.directBuffer(stream.length).writeBytes(stream);
        this.ends = ends;
        this.readsPerLoop = readsPerLoop;
    }

    /**
     * {@link #FRAMES} frames of {@code frameSize} bytes each as the decoder hands them on (terminator included; the
     * length prefix not), framed as {@code framing} names and cut into reads as {@code shape} says.
     */
    public static Traffic of(String framing, int frameSize, Shape shape) {
        byte[] wire = wireFrame(framing, frameSize);
        byte[] stream = new byte[wire.length * FRAMES];
        for (int i = 0; i < FRAMES; i++) {
            System.arraycopy(wire, 0, stream, i * wire.length, wire.length);
        }
        return new Traffic(
                stream, cut(stream.length, wire.length, shape), shape == Shape.PINGPONG ? 1 : READS_PER_LOOP);
    }

    /** The framing a {@code @Param} value names: raw, line, delimiter (one NUL byte), length2, length4 or fixed. */
    public static Framing framing(String name, int frameSize) {
        return switch (name) {
            case "raw" -> Framing.raw();
            case "line" -> Framing.line(MAX_FRAME_LENGTH);
            case "delimiter" -> Framing.delimiter(new byte[] {0}, MAX_FRAME_LENGTH);
            case "length2" -> Framing.length(2, MAX_FRAME_LENGTH);
            case "length4" -> Framing.length(4, MAX_FRAME_LENGTH);
            case "fixed" -> Framing.fixed(frameSize);
            default -> throw new IllegalArgumentException("unknown framing " + name);
        };
    }

    /** {@code size} bytes of text, none of them a line end or NUL, so that only terminators end frames. */
    public static byte[] text(int size) {
        byte[] text = new byte[size];
        for (int i = 0; i < size; i++) {
            text[i] = TEXT[i % TEXT.length];
        }
        return text;
    }

    /** One frame as it is on the wire: what the decoder hands on, plus the length prefix for length framing. */
    static byte[] wireFrame(String framing, int frameSize) {
        byte[] frame = text(frameSize);
        return switch (framing) {
            case "line" -> terminated(frame, (byte) '\n');
            case "delimiter" -> terminated(frame, (byte) 0);
            case "length2" -> prefixed(frame, 2);
            case "length4" -> prefixed(frame, 4);
            case "raw", "fixed" -> frame;
            default -> throw new IllegalArgumentException("unknown framing " + framing);
        };
    }

    private static byte[] terminated(byte[] frame, byte terminator) {
        frame[frame.length - 1] = terminator;
        return frame;
    }

    private static byte[] prefixed(byte[] payload, int fieldBytes) {
        byte[] wire = new byte[fieldBytes + payload.length];
        for (int i = 0; i < fieldBytes; i++) {
            wire[i] = (byte) (payload.length >>> (8 * (fieldBytes - 1 - i)));
        }
        System.arraycopy(payload, 0, wire, fieldBytes, payload.length);
        return wire;
    }

    private static int[] cut(int length, int wireFrameSize, Shape shape) {
        int readSize =
                switch (shape) {
                    case ALIGNED -> Math.max(1, 16 * 1024 / wireFrameSize) * wireFrameSize;
                    case SPLIT -> 16 * 1024 - 1;
                    case SEGMENTS -> 1448;
                    case PINGPONG -> wireFrameSize;
                };
        int[] ends = new int[(length + readSize - 1) / readSize];
        for (int i = 0; i < ends.length; i++) {
            ends[i] = Math.min(length, (i + 1) * readSize);
        }
        return ends;
    }

    /** How many reads deliver the stream. */
    public int reads() {
        return ends.length;
    }

    /** The stream's length in bytes. */
    public int length() {
        return stream.readableBytes();
    }

    /** Read {@code i} in a fresh buffer from {@code alloc}, which the caller must release or pass on. */
    public ByteBuf read(ByteBufAllocator alloc, int i) {
        int start = i == 0 ? 0 : ends[i - 1];
        int length = ends[i] - start;
        return alloc.ioBuffer(length).writeBytes(stream, start, length);
    }

    /**
     * Fires every read into {@code pipeline}, with a read-complete event after every read loop's reads (16, or one in
     * the pingpong shape) and after the last.
     */
    public void deliver(ChannelPipeline pipeline) {
        ByteBufAllocator alloc = pipeline.channel().alloc();
        for (int i = 0; i < ends.length; i++) {
            pipeline.fireChannelRead(read(alloc, i));
            if ((i + 1) % readsPerLoop == 0 || i == ends.length - 1) {
                pipeline.fireChannelReadComplete();
            }
        }
    }

    /** How many read loops deliver the stream: {@link #deliver} fires read-complete after each. */
    public int loops() {
        return (ends.length + readsPerLoop - 1) / readsPerLoop;
    }

    /** The reads of read loop {@code loop}, each in a fresh buffer from {@code alloc}, for {@code writeInbound}. */
    public Object[] loop(ByteBufAllocator alloc, int loop) {
        int first = loop * readsPerLoop;
        Object[] reads = new Object[Math.min(readsPerLoop, ends.length - first)];
        for (int i = 0; i < reads.length; i++) {
            reads[i] = read(alloc, first + i);
        }
        return reads;
    }

    @Override
    public void close() {
        stream.release();
    }

    @Override
    public String toString() {
        return FRAMES + " frames, " + length() + " bytes in " + reads() + " reads " + Arrays.toString(ends);
    }
}
