package dev.socketkit.codec;

import static dev.socketkit.codec.Bytes.ascii;
import static dev.socketkit.codec.Bytes.everyByteValue;
import static dev.socketkit.codec.Frames.channelWith;
import static dev.socketkit.codec.Frames.encode;
import static dev.socketkit.codec.Frames.readAllOutbound;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Raw framing: each read is a frame and output goes out as written. */
class RawFramingTest {
    @Test
    void addsNoHandler() {
        EmbeddedChannel channel = channelWith(Framing.raw());

        assertNull(channel.pipeline().get("frameDecoder"));
        assertNull(channel.pipeline().get("frameEncoder"));
        assertNull(channel.pipeline().first());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void handsOnEachReadAsItFalls(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.raw());
        byte[] input = ascii("one\ntwo\r\nthree");

        delivery.writeInbound(channel, input);

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        int frames = 0;
        for (ByteBuf frame; (frame = channel.readInbound()) != null; frames++) {
            assertTrue(frame.isReadable(), "empty frame");
            received.writeBytes(ByteBufUtil.getBytes(frame));
            frame.release();
        }
        assertArrayEquals(input, received.toByteArray());
        assertEquals(delivery == Delivery.WHOLE ? 1 : input.length, frames);
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void roundTripsEveryByteValue(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.raw());
        delivery.writeInbound(channel, everyByteValue());

        for (ByteBuf frame; (frame = channel.readInbound()) != null; ) {
            channel.writeOutbound(frame);
        }

        assertArrayEquals(everyByteValue(), readAllOutbound(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void writesOutputUnchanged() {
        EmbeddedChannel channel = channelWith(Framing.raw());

        assertArrayEquals(ascii("abc"), encode(channel, ascii("abc")));
        assertArrayEquals(new byte[0], encode(channel, new byte[0]));
        assertFalse(channel.finishAndReleaseAll());
    }
}
