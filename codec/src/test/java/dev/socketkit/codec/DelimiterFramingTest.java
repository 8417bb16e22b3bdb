package dev.socketkit.codec;

import static dev.socketkit.codec.Bytes.ascii;
import static dev.socketkit.codec.Frames.channelWith;
import static dev.socketkit.codec.Frames.encode;
import static dev.socketkit.codec.Frames.readAllOutbound;
import static dev.socketkit.codec.Frames.readInboundAscii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Delimiter framing: frames end with a given byte sequence and keep it. */
class DelimiterFramingTest {
    private static final byte[] BARS = ascii("||");

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void splitsFramesAndKeepsTheRemainder(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(BARS, 64));

        delivery.writeInbound(channel, ascii("a||b|c||||d|"));

        assertEquals("a||", readInboundAscii(channel));
        assertEquals("b|c||", readInboundAscii(channel));
        assertEquals("||", readInboundAscii(channel));
        assertNull(channel.readInbound());
        delivery.writeInbound(channel, ascii("|"));
        assertEquals("d||", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void treatsLineFeedAsAnOrdinaryByte(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(ascii(";"), 64));

        delivery.writeInbound(channel, ascii("a\nb;c\r\n;"));

        assertEquals("a\nb;", readInboundAscii(channel));
        assertEquals("c\r\n;", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void cutsAtCrLfWhenThatIsTheDelimiter(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(ascii("\r\n"), 64));

        delivery.writeInbound(channel, ascii("one\ntwo\r\nthree\r\n"));

        assertEquals("one\ntwo\r\n", readInboundAscii(channel));
        assertEquals("three\r\n", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnTheUnterminatedTailWhenInputShutsDown(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(BARS, 64));
        delivery.writeInbound(channel, ascii("a||b|"));
        assertEquals("a||", readInboundAscii(channel));
        assertNull(channel.readInbound());

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertEquals("b|", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnTheUnterminatedTailWhenTheChannelCloses(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(BARS, 64));
        delivery.writeInbound(channel, ascii("a||b"));
        assertEquals("a||", readInboundAscii(channel));

        assertTrue(channel.finish());

        assertEquals("b", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void acceptsAFrameOfExactlyTheMaximumLength(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(ascii(";"), 5));

        delivery.writeInbound(channel, ascii("12345;"));

        assertEquals("12345;", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void failsFastOnAFrameOneByteOverTheMaximum(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(ascii(";"), 5));

        TooLongFrameException e =
                assertThrows(TooLongFrameException.class, () -> delivery.writeInbound(channel, ascii("123456")));

        assertEquals(0, e.getSuppressed().length, "reported more than once");
        delivery.writeInbound(channel, ascii("7;ok;"));
        assertEquals("ok;", readInboundAscii(channel));
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void echoesFramesByteForByte(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(BARS, 64));
        byte[] input = ascii("one||||two||");
        delivery.writeInbound(channel, input);

        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            channel.writeOutbound(frame);
        }

        assertArrayEquals(input, readAllOutbound(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void appendsTheDelimiterOnlyWhenTheMessageLacksIt() {
        EmbeddedChannel channel = channelWith(Framing.delimiter(BARS, 64));

        assertArrayEquals(ascii("abc||"), encode(channel, ascii("abc")));
        assertArrayEquals(ascii("abc||"), encode(channel, ascii("abc||")));
        assertArrayEquals(ascii("abc|||"), encode(channel, ascii("abc|")));
        assertArrayEquals(ascii("|||"), encode(channel, ascii("|")));
        assertArrayEquals(ascii("||"), encode(channel, ascii("||")));
        assertArrayEquals(ascii("||"), encode(channel, new byte[0]));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void looksAtTheReadableBytesOnlyWhenCheckingForTheDelimiter() {
        EmbeddedChannel channel = channelWith(Framing.delimiter(BARS, 64));
        ByteBuf message = channel.alloc().buffer().writeBytes(ascii("||"));
        message.skipBytes(1);

        channel.writeOutbound(message);

        assertArrayEquals(ascii("|||"), readAllOutbound(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void keepsItsOwnCopyOfTheDelimiter() {
        byte[] delimiter = ascii(";");
        Framing framing = Framing.delimiter(delimiter, 64);
        delimiter[0] = '!';
        EmbeddedChannel channel = channelWith(framing);

        Delivery.WHOLE.writeInbound(channel, ascii("a!b;"));

        assertEquals("a!b;", readInboundAscii(channel));
        assertArrayEquals(ascii("c;"), encode(channel, ascii("c")));
        assertFalse(channel.finishAndReleaseAll());
    }
}
