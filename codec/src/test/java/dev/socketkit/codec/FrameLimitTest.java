package dev.socketkit.codec;

import static dev.socketkit.codec.Bytes.ascii;
import static dev.socketkit.codec.Frames.channelWith;
import static dev.socketkit.codec.Frames.readInboundAscii;
import static io.netty.buffer.ByteBufUtil.decodeHexDump;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Frame limits at their edges: split terminators at exactly the maximum, the largest maximum, huge length fields. */
class FrameLimitTest {
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void acceptsACrLfLineOfExactlyTheMaximumLength(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.line(5));

        delivery.writeInbound(channel, ascii("12345\r\n"));

        assertEquals("12345\r\n", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void acceptsAFrameOfExactlyTheMaximumLengthBeforeATwoByteDelimiter(Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.delimiter(ascii("||"), 5));

        delivery.writeInbound(channel, ascii("12345||"));

        assertEquals("12345||", readInboundAscii(channel));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 8})
    void installsLengthFramingWithTheLargestMaximum(int fieldBytes) {
        Framing framing = Framing.length(fieldBytes, Integer.MAX_VALUE);
        EmbeddedChannel channel = new EmbeddedChannel();

        assertDoesNotThrow(() -> framing.addTo(channel.pipeline()));

        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @CsvSource({
        "ffffffffffffffff, WHOLE", "ffffffffffffffff, ONE_BYTE_AT_A_TIME",
        "8000000000000000, WHOLE", "8000000000000000, ONE_BYTE_AT_A_TIME",
        "7ffffffffffffff8, WHOLE", "7ffffffffffffff8, ONE_BYTE_AT_A_TIME",
        "7ffffffffffffff7, WHOLE", "7ffffffffffffff7, ONE_BYTE_AT_A_TIME"
    })
    void refusesAHuge8ByteLengthAsTooLong(String header, Delivery delivery) {
        EmbeddedChannel channel = channelWith(Framing.length(8, 100));

        assertThrows(TooLongFrameException.class, () -> delivery.writeInbound(channel, decodeHexDump(header)));

        assertNull(channel.readInbound());
        assertFalse(channel.finishAndReleaseAll());
    }
}
