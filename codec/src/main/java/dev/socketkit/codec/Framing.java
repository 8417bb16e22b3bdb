package dev.socketkit.codec;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.LengthFieldPrepender;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How a byte stream is cut into frames, and how frames are written: raw, line, delimiter, length-prefixed or fixed.
 *
 * <p>Immutable. {@link #addTo} installs a fresh decoder (decoders hold per-connection state) and a shared encoder in a
 * channel pipeline. See the package documentation for the wire formats.
 *
 * <p>A decoder reports bad input with one of two exceptions, fired down the pipeline, and with no other: a {@link
 * io.netty.handler.codec.TooLongFrameException} for a frame over the limit (line, delimiter and length framing), and a
 * {@link io.netty.handler.codec.CorruptedFrameException} for a length-prefixed frame that the end of input cut short.
 * Raw and fixed-size framing accept any input.
 */
public final class Framing {
    /** The default limit on one frame: 64 KiB. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;

    /** The names of the framings, as {@code --framing} takes them. */
    public enum Kind {
        /** Each read is a frame; nothing is added on output. */
        RAW,
        /** Frames end with {@code \n}; {@code \r\n} counts as the same terminator. */
        LINE,
        /** Frames end with a given byte sequence. */
        DELIMITER,
        /** Frames start with a big-endian length field of 1, 2, 3, 4 or 8 bytes. */
        LENGTH,
        /** Frames have one fixed size. */
        FIXED;

        /** {@return the lower-case name, as typed on the command line} */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final String DECODER_NAME = "frameDecoder";

    private static final Framing RAW = new Framing(Kind.RAW, null, 0, 0, 0);

    private final Kind kind;
    private final byte[] delimiter;
    private final int lengthFieldBytes;
    private final int frameSize;
    private final int maxFrameLength;

    private Framing(Kind kind, byte[] delimiter, int lengthFieldBytes, int frameSize, int maxFrameLength) {
        this.kind = kind;
        this.delimiter = delimiter;
        this.lengthFieldBytes = lengthFieldBytes;
        this.frameSize = frameSize;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Each read is one frame, as the tutorial's {@code recv} loop sees it.
     *
     * @return raw framing
     */
    public static Framing raw() {
        return RAW;
    }

    /**
     * Lines ending in {@code \n} or {@code \r\n}, at most {@code maxFrameLength} bytes before the terminator.
     *
     * @param maxFrameLength the longest line accepted, terminator not counted; at least 1
     * @return line framing
     * @throws IllegalArgumentException if {@code maxFrameLength} is below 1
     */
    public static Framing line(int maxFrameLength) {
        return new Framing(Kind.LINE, new byte[] {'\n'}, 0, 0, checkMax(maxFrameLength));
    }

    /**
     * Frames ending in {@code delimiter}, at most {@code maxFrameLength} bytes before it.
     *
     * @param delimiter the bytes that end each frame; copied
     * @param maxFrameLength the longest frame accepted, delimiter not counted; at least 1
     * @return delimiter framing
     * @throws IllegalArgumentException if the delimiter is empty or {@code maxFrameLength} is below 1
     */
    public static Framing delimiter(byte[] delimiter, int maxFrameLength) {
        Objects.requireNonNull(delimiter, "delimiter");
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        return new Framing(Kind.DELIMITER, delimiter.clone(), 0, 0, checkMax(maxFrameLength));
    }

    /**
     * Frames preceded by their length as a big-endian unsigned integer of {@code fieldBytes} (1, 2, 3, 4 or 8) bytes;
     * payloads longer than {@code maxFrameLength} are refused.
     *
     * @param fieldBytes the size of the length field: 1, 2, 3, 4 or 8
     * @param maxFrameLength the longest payload accepted, length field not counted; at least 1
     * @return length-prefix framing
     * @throws IllegalArgumentException if {@code fieldBytes} is another size or {@code maxFrameLength} is below 1
     */
    public static Framing length(int fieldBytes, int maxFrameLength) {
        if (fieldBytes != 1 && fieldBytes != 2 && fieldBytes != 3 && fieldBytes != 4 && fieldBytes != 8) {
            throw new IllegalArgumentException("length field must be 1, 2, 3, 4 or 8 bytes, not " + fieldBytes);
        }
        return new Framing(Kind.LENGTH, null, fieldBytes, 0, checkMax(maxFrameLength));
    }

    /**
     * Frames of exactly {@code frameSize} bytes.
     *
     * @param frameSize the size of every frame; at least 1
     * @return fixed-size framing
     * @throws IllegalArgumentException if {@code frameSize} is below 1
     */
    public static Framing fixed(int frameSize) {
        if (frameSize < 1) {
            throw new IllegalArgumentException("frame size must be at least 1 byte, not " + frameSize);
        }
        return new Framing(Kind.FIXED, null, 0, frameSize, frameSize);
    }

    private static int checkMax(int maxFrameLength) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("max frame length must be at least 1 byte, not " + maxFrameLength);
        }
        return maxFrameLength;
    }

    /**
     * Checks that this framing fits a socket: datagram sockets keep message boundaries, so only raw framing applies.
     *
     * @param datagram whether the socket is a datagram socket
     * @param scheme the socket's URI scheme, for the message
     * @throws IllegalArgumentException if it does not fit
     */
    public void checkApplies(boolean datagram, String scheme) {
        if (datagram && kind != Kind.RAW) {
            throw new IllegalArgumentException("framing " + kind.id() + " applies to stream sockets; on " + scheme
                    + " every datagram is one frame");
        }
    }

    /** {@return which framing this is} */
    public Kind kind() {
        return kind;
    }

    /**
     * {@return the longest frame accepted, in bytes, terminator or length field not counted} 0 for raw framing, whose
     * frames are whatever one read returns.
     */
    public int maxFrameLength() {
        return maxFrameLength;
    }

    /**
     * Adds this framing's decoder and encoder to the end of {@code pipeline}, named {@code frameDecoder} and {@code
     * frameEncoder}; raw framing adds nothing.
     *
     * @param pipeline the channel's pipeline
     */
    public void addTo(ChannelPipeline pipeline) {
        ChannelHandler decoder = newDecoder();
        if (decoder != null) {
            pipeline.addLast(DECODER_NAME, decoder);
            pipeline.addLast("frameEncoder", newEncoder());
        }
    }

    /**
     * The progress of the frame decoder {@link #addTo} installed in {@code pipeline}, for deadlines on frames that have
     * begun.
     *
     * @param pipeline a channel's pipeline
     * @return the decoder's progress, or null if the pipeline has no socketkit frame decoder (raw framing)
     */
    public static FrameProgress progressOf(ChannelPipeline pipeline) {
        return pipeline.get(DECODER_NAME) instanceof FrameProgress progress ? progress : null;
    }

    private ChannelHandler newDecoder() {
        return switch (kind) {
            case RAW -> null;
            case LINE -> new LineFrameDecoder(maxFrameLength);
            case DELIMITER -> new DelimiterFrameDecoder(maxFrameLength, delimiter);
            case LENGTH -> new LengthFrameDecoder(lengthFieldBytes, maxFrameLength);
            case FIXED -> new FixedFrameDecoder(frameSize);
        };
    }

    private ChannelHandler newEncoder() {
        return switch (kind) {
            case RAW -> throw new IllegalStateException("raw framing has no encoder");
            case LINE, DELIMITER -> new TerminatingEncoder(delimiter);
            case LENGTH -> new LengthFieldPrepender(lengthFieldBytes);
            case FIXED -> new PaddingEncoder(frameSize);
        };
    }

    /** A short description, such as {@code line (max 65536 bytes)} or {@code length (2-byte field, max 65536 bytes)}. */
    @Override
    public String toString() {
        return switch (kind) {
            case RAW -> "raw";
            case LINE -> "line (max " + maxFrameLength + " bytes)";
            case DELIMITER -> "delimiter 0x" + ByteBufUtil.hexDump(delimiter) + " (max " + maxFrameLength + " bytes)";
            case LENGTH -> "length (" + lengthFieldBytes + "-byte field, max " + maxFrameLength + " bytes)";
            case FIXED -> "fixed (" + frameSize + " bytes)";
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Framing that
                && kind == that.kind
                && Arrays.equals(delimiter, that.delimiter)
                && lengthFieldBytes == that.lengthFieldBytes
                && frameSize == that.frameSize
                && maxFrameLength == that.maxFrameLength;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, Arrays.hashCode(delimiter), lengthFieldBytes, frameSize, maxFrameLength);
    }
}
