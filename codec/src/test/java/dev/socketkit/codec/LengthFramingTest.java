package dev.socketkit.codec;

import static dev.socketkit.codec.Bytes.ascii;
import static dev.socketkit.codec.Bytes.concat;
import static dev.socketkit.codec.Bytes.everyByteValue;
import static dev.socketkit.codec.Bytes.repeat;
import static dev.socketkit.codec.Frames.channelWith;
import static dev.socketkit.codec.Frames.encode;
import static dev.socketkit.codec.Frames.readAllOutbound;
import static dev.socketkit.codec.Frames.readInbound;
import static dev.socketkit.codec.Frames.readInboundAscii;
import static io.netty.buffer.ByteBufUtil.decodeHexDump;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Length framing: a big-endian length field of 1, 2, 3, 4 or 8 bytes, stripped on decode and added on encode. */
class LengthFramingTest {
    static Stream<Arguments> fieldSizesAndDeliveries() {
        return withEachDelivery(IntStream.of(1, 2, 3, 4, 8).mapToObj(Arguments::of));
    }

    static Stream<Arguments> multiByteFieldSizesAndDeliveries() {
        return withEachDelivery(IntStream.of(2, 3, 4, 8).mapToObj(Arguments::of));
    }

    /** Each field size with a length that fills one byte for size 1 and needs two bytes for the others. */
    static Stream<Arguments> bigEndianHeaders() {
        return Stream.of(
                Arguments.of(1, "ff", 255),
                Arguments.of(2, "0102", 258),
                Arguments.of(3, "000102", 258),
                Arguments.of(4, "00000102", 258),
                Arguments.of(8, "0000000000000102", 258));
    }

    static Stream<Arguments> bigEndianHeadersAndDeliveries() {
        return withEachDelivery(bigEndianHeaders());
    }

    /** Length fields announcing far more than a 100-byte limit: the largest of sizes 1 to 4, and two 8-byte ones. */
    static Stream<Arguments> hugeLengthsAndDeliveries() {
        return withEachDelivery(Stream.of(
                Arguments.of(1, "ff"),
                Arguments.of(2, "ffff"),
                Arguments.of(3, "ffffff"),
                Arguments.of(4, "ffffffff"),
                Arguments.of(8, "00000000ffffffff"),
                Arguments.of(8, "4000000000000000")));
    }

    private static Stream<Arguments> withEachDelivery(Stream<Arguments> rows) {
        return rows.flatMap(row -> Arrays.stream(Delivery.values()).map(delivery -> {
            Object[] values = Arrays.copyOf(row.get(), row.get().length + 1);
            values[values.length - 1] = delivery;
            return Arguments.of(values);
        }));
    }

    /** {@code length} as a big-endian unsigned field of {@code fieldBytes} bytes. */
    static byte[] header(int fieldBytes, long length) {
        byte[] field = new byte[fieldBytes];
        for (int i = fieldBytes - 1; i >= 0; i--) {
            field[i] = (byte) length;
            length >>>= 8;
        }
        return field;
    }

    static byte[] frame(int fieldBytes, byte[] payload) {
        return concat(header(fieldBytes, payload.length), payload);
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void stripsTheLengthFieldAndKeepsTheRemainder(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 1024));
        byte[] partial = frame(fieldBytes, ascii("xy"));

        delivery.writeInbound(
                channel,
                concat(
                        frame(fieldBytes, ascii("abc")),
                        frame(fieldBytes, new byte[0]),
                        frame(fieldBytes, ascii("\n\r\n")),
                        Arrays.copyOf(partial, partial.length - 1)));

        assertEquals("abc", readInboundAscii(channel));
        assertEquals("", readInboundAscii(channel));
        assertEquals("\n\r\n", readInboundAscii(channel));
        assertNull(channel.readInbound());
        delivery.writeInbound(channel, ascii("y"));
        assertEquals("xy", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("bigEndianHeadersAndDeliveries")
    void readsTheLengthFieldBigEndian(int fieldBytes, String headerHex, int payloadLength, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 1024));
        byte[] payload = repeat('p', payloadLength);

        delivery.writeInbound(channel, concat(decodeHexDump(headerHex), payload));

        assertArrayEquals(payload, readInbound(channel));
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("bigEndianHeaders")
    void prependsABigEndianLengthField(int fieldBytes, String headerHex, int payloadLength) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 1024));
        byte[] payload = repeat('p', payloadLength);

        assertArrayEquals(concat(decodeHexDump(headerHex), payload), encode(channel, payload));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 8})
    void encodesAnEmptyMessageAsALengthOfZero(int fieldBytes) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 1024));

        assertArrayEquals(new byte[fieldBytes], encode(channel, new byte[0]));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void roundTripsEveryByteValue(int fieldBytes, Delivery delivery) {
        Framing framing = Framing.length(fieldBytes, 1024);
        byte[] low = Arrays.copyOfRange(everyByteValue(), 0, 128);
        byte[] high = Arrays.copyOfRange(everyByteValue(), 128, 256);
        EmbeddedChannel sender = channelWith(framing);
        sender.writeOutbound(sender.alloc().buffer().writeBytes(low));
        sender.writeOutbound(sender.alloc().buffer().writeBytes(high));
        byte[] wire = readAllOutbound(sender);
        EmbeddedChannel receiver = channelWith(framing);

        delivery.writeInbound(receiver, wire);

        assertArrayEquals(low, readInbound(receiver));
        assertArrayEquals(high, readInbound(receiver));
        assertNull(receiver.readInbound());
        assertFalse(sender.finishAndReleaseAll());
        assertFalse(receiver.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void acceptsAFrameOfExactlyTheMaximumLength(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 5));

        delivery.writeInbound(channel, frame(fieldBytes, ascii("12345")));

        assertEquals("12345", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void failsFastOnTheLengthFieldOfAFrameOneByteOverTheMaximum(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 5));

        TooLongFrameException e =
                assertThrows(TooLongFrameException.class, () -> delivery.writeInbound(channel, header(fieldBytes, 6)));

        assertEquals(0, e.getSuppressed().length, "reported more than once");
        delivery.writeInbound(channel, concat(ascii("123456"), frame(fieldBytes, ascii("ok"))));
        assertEquals("ok", readInboundAscii(channel));
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("hugeLengthsAndDeliveries")
    void failsFastOnAHugeLengthWithoutWaitingForThePayload(int fieldBytes, String headerHex, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 100));

        assertThrows(TooLongFrameException.class, () -> delivery.writeInbound(channel, decodeHexDump(headerHex)));

        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void refusesATailThatEndsInsideThePayload(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 64));
        delivery.writeInbound(channel, concat(frame(fieldBytes, ascii("x")), header(fieldBytes, 3), ascii("ab")));
        assertEquals("x", readInboundAscii(channel));

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThrows(CorruptedFrameException.class, channel::checkException);
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("multiByteFieldSizesAndDeliveries")
    void refusesATailThatEndsInsideTheLengthField(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 64));
        delivery.writeInbound(channel, new byte[fieldBytes - 1]);

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThrows(CorruptedFrameException.class, channel::checkException);
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void refusesATailWhenTheChannelCloses(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 64));
        delivery.writeInbound(channel, concat(header(fieldBytes, 3), ascii("a")));

        assertThrows(CorruptedFrameException.class, channel::finishAndReleaseAll);
        assertNull(channel.readInbound());
    }

    @ParameterizedTest
    @MethodSource("fieldSizesAndDeliveries")
    void endsQuietlyOnAFrameBoundary(int fieldBytes, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(fieldBytes, 64));
        delivery.writeInbound(channel, frame(fieldBytes, ascii("ok")));
        assertEquals("ok", readInboundAscii(channel));

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertDoesNotThrow(channel::checkException);
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }
}
