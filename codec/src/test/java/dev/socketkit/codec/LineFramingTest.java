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

/** Line framing: frames end with {@code \n} or {@code \r\n} and keep it. */
class LineFramingTest {
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void splitsLinesAndKeepsTheRemainder(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(64));

        delivery.writeInbound(channel, ascii("first\nsecond\n\nthi"));

        assertEquals("first\n", readInboundAscii(channel));
        assertEquals("second\n", readInboundAscii(channel));
        assertEquals("\n", readInboundAscii(channel));
        assertNull(channel.readInbound());
        delivery.writeInbound(channel, ascii("rd\n"));
        assertEquals("third\n", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void keepsCrLfTerminator(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(64));

        delivery.writeInbound(channel, ascii("one\r\ntwo\nthree\r\n"));

        assertEquals("one\r\n", readInboundAscii(channel));
        assertEquals("two\n", readInboundAscii(channel));
        assertEquals("three\r\n", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void keepsALoneCarriageReturnInsideTheLine(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(64));

        delivery.writeInbound(channel, ascii("a\rb\n"));

        assertEquals("a\rb\n", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnTheUnterminatedTailWhenInputShutsDown(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(64));
        delivery.writeInbound(channel, ascii("abc\ndef"));
        assertEquals("abc\n", readInboundAscii(channel));
        assertNull(channel.readInbound());

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertEquals("def", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnTheUnterminatedTailWhenTheChannelCloses(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(64));
        delivery.writeInbound(channel, ascii("abc\ndef"));
        assertEquals("abc\n", readInboundAscii(channel));

        assertTrue(channel.finish());

        assertEquals("def", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnATailOfExactlyTheMaximumLength(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(5));
        delivery.writeInbound(channel, ascii("12345"));

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertEquals("12345", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void handsOnNothingWhenInputEndsOnATerminator() {
        EmbeddedChannel channel = channelWith(Framing.line(64));
        Delivery.WHOLE.writeInbound(channel, ascii("abc\n"));
        assertEquals("abc\n", readInboundAscii(channel));

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void acceptsALineOfExactlyTheMaximumLength(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(5));

        delivery.writeInbound(channel, ascii("12345\n"));

        assertEquals("12345\n", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void refusesALineOneByteOverTheMaximumAndGoesOnWithTheNext(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(5));

        TooLongFrameException e =
                assertThrows(TooLongFrameException.class, () -> delivery.writeInbound(channel, ascii("123456\nok\n")));

        assertEquals(0, e.getSuppressed().length, "reported more than once");
        assertEquals("ok\n", readInboundAscii(channel));
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void failsFastBeforeTheTerminatorOfATooLongLineArrives(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(5));

        assertThrows(TooLongFrameException.class, () -> delivery.writeInbound(channel, ascii("123456")));

        delivery.writeInbound(channel, ascii("789\nok\n"));
        assertEquals("ok\n", readInboundAscii(channel));
        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void echoesLinesByteForByte(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(64));
        byte[] input = ascii("one\r\ntwo\n\r\n");
        delivery.writeInbound(channel, input);

        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            channel.writeOutbound(frame);
        }

        assertArrayEquals(input, readAllOutbound(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void appendsLineFeedOnlyWhenTheMessageLacksOne() {
        EmbeddedChannel channel = channelWith(Framing.line(64));

        assertArrayEquals(ascii("abc\n"), encode(channel, ascii("abc")));
        assertArrayEquals(ascii("abc\n"), encode(channel, ascii("abc\n")));
        assertArrayEquals(ascii("abc\r\n"), encode(channel, ascii("abc\r\n")));
        assertArrayEquals(ascii("abc\r\n"), encode(channel, ascii("abc\r")));
        assertArrayEquals(ascii("\n"), encode(channel, new byte[0]));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void encodesSeveralMessagesInOrder() {
        EmbeddedChannel channel = channelWith(Framing.line(64));

        channel.writeOutbound(channel.alloc().buffer().writeBytes(ascii("a")));
        channel.writeOutbound(channel.alloc().buffer().writeBytes(ascii("b\n")));
        channel.writeOutbound(channel.alloc().buffer().writeBytes(ascii("c")));

        assertArrayEquals(ascii("a\nb\nc\n"), readAllOutbound(channel));
        assertFalse(channel.finishAndReleaseAll());
    }
}
