package dev.socketkit.codec;

import static dev.socketkit.codec.Bytes.ascii;
import static dev.socketkit.codec.Bytes.concat;
import static dev.socketkit.codec.Bytes.everyByteValue;
import static dev.socketkit.codec.Frames.channelWith;
import static dev.socketkit.codec.Frames.encode;
import static dev.socketkit.codec.Frames.readInbound;
import static dev.socketkit.codec.Frames.readInboundAscii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Fixed framing: frames of one size, output padded with zero bytes to a whole number of frames. */
class FixedFramingTest {
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void cutsFramesOfTheSizeAndKeepsTheRemainder(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.fixed(3));

        delivery.writeInbound(channel, ascii("abc\n\r\nghij"));

        assertEquals("abc", readInboundAscii(channel));
        assertEquals("\n\r\n", readInboundAscii(channel));
        assertEquals("ghi", readInboundAscii(channel));
        assertNull(channel.readInbound());
        delivery.writeInbound(channel, ascii("kl"));
        assertEquals("jkl", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnTheShortTailWhenInputShutsDown(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.fixed(3));
        delivery.writeInbound(channel, ascii("abcde"));
        assertEquals("abc", readInboundAscii(channel));
        assertNull(channel.readInbound());

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertEquals("de", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnTheShortTailWhenTheChannelCloses(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.fixed(3));
        delivery.writeInbound(channel, ascii("abcd"));
        assertEquals("abc", readInboundAscii(channel));

        assertTrue(channel.finish());

        assertEquals("d", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void handsOnNothingWhenInputEndsOnAFrameBoundary() {
        EmbeddedChannel channel = channelWith(Framing.fixed(3));
        Delivery.WHOLE.writeInbound(channel, ascii("abc"));
        assertEquals("abc", readInboundAscii(channel));

        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void padsOutputWithZeroBytesToAWholeNumberOfFrames() {
        EmbeddedChannel channel = channelWith(Framing.fixed(4));

        assertArrayEquals(new byte[] {'a', 0, 0, 0}, encode(channel, ascii("a")));
        assertArrayEquals(ascii("abcd"), encode(channel, ascii("abcd")));
        assertArrayEquals(new byte[] {'a', 'b', 'c', 'd', 'e', 0, 0, 0}, encode(channel, ascii("abcde")));
        assertArrayEquals(ascii("abcdefgh"), encode(channel, ascii("abcdefgh")));
        assertArrayEquals(new byte[0], encode(channel, new byte[0]));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void sendsFramesOfOneByteUnpadded() {
        EmbeddedChannel channel = channelWith(Framing.fixed(1));

        assertArrayEquals(ascii("abc"), encode(channel, ascii("abc")));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void roundTripsEveryByteValue(Delivery delivery) {
        Framing framing = Framing.fixed(7);
        EmbeddedChannel sender = channelWith(framing);
        byte[] wire = encode(sender, everyByteValue());
        EmbeddedChannel receiver = channelWith(framing);

        delivery.writeInbound(receiver, wire);

        byte[] expected = concat(everyByteValue(), new byte[3]); // 256 = 36 * 7 + 4
        assertEquals(expected.length, wire.length);
        for (int start = 0; start < expected.length; start += 7) {
            assertArrayEquals(Arrays.copyOfRange(expected, start, start + 7), readInbound(receiver));
        }
        assertNull(receiver.readInbound());
        assertFalse(sender.finishAndReleaseAll());
        assertFalse(receiver.finishAndReleaseAll());
    }
}
