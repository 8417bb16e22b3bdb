package dev.socketkit.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;

/** Reads what an {@link EmbeddedChannel} produced, releasing every buffer it takes. */
final class Frames {
    private Frames() {}

    /** The next decoded frame; fails if there is none. */
    static byte[] readInbound(EmbeddedChannel channel) {
        ByteBuf frame = channel.readInbound();
        assertNotNull(frame, "expected another inbound frame");
        try {
            return ByteBufUtil.getBytes(frame);
        } finally {
            frame.release();
        }
    }

    /** The next decoded frame as ASCII text; fails if there is none. */
    static String readInboundAscii(EmbeddedChannel channel) {
        return new String(readInbound(channel), US_ASCII);
    }

    /** Every outbound buffer written so far, concatenated. */
    static byte[] readAllOutbound(EmbeddedChannel channel) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
            try {
                out.writeBytes(ByteBufUtil.getBytes(buf));
            } finally {
                buf.release();
            }
        }
        return out.toByteArray();
    }

    /** Writes {@code bytes} as one outbound message and returns what reached the wire. */
    static byte[] encode(EmbeddedChannel channel, byte[] bytes) {
        channel.writeOutbound(channel.alloc().buffer(bytes.length).writeBytes(bytes));
        return readAllOutbound(channel);
    }

    /** A channel with {@code framing} installed. */
    static EmbeddedChannel channelWith(Framing framing) {
        EmbeddedChannel channel = new EmbeddedChannel();
        framing.addTo(channel.pipeline());
        return channel;
    }
}
