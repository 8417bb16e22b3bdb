package dev.socketkit.codec;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server's PROXY header decoder, each case fed whole and one byte at a time: headers decoded and what follows
 * handed on byte-exact; whatever cannot be a header refused at its first wrong byte, with nothing held.
 */
class ProxyHeaderDecoderTest {
    private static final byte[] SIGNATURE = HexFormat.of().parseHex("0d0a0d0a000d0a515549540a");

    /** Records what passes the decoder: messages, and the first exception. */
    private static final class After extends ChannelInboundHandlerAdapter {
        final List<Object> messages = new ArrayList<>();
        Throwable failure;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            messages.add(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (failure == null) {
                failure = cause;
            }
        }

        /** The bytes handed on after the header, released. */
        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Object msg : messages) {
                if (msg instanceof ByteBuf data) {
                    out.writeBytes(ByteBufUtil.getBytes(data));
                    data.release();
                }
            }
            return out.toByteArray();
        }

        HAProxyMessage header() {
            return messages.isEmpty() || !(messages.get(0) instanceof HAProxyMessage header) ? null : header;
        }
    }

    private final After after = new After();
    private final EmbeddedChannel channel = new EmbeddedChannel(ProxyProtocol.newDecoder(), after);

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] v2Tcp4(byte[] tlvs) {
        int length = 12 + tlvs.length;
        return concat(
                SIGNATURE,
                new byte[] {0x21, 0x11, (byte) (length >> 8), (byte) length},
                HexFormat.of().parseHex("c0000207c6336401c4881f9a"),
                tlvs);
    }

    /** Writes {@code bytes} as {@code delivery} says, one byte at a time only while the connection is open. */
    private void feed(Delivery delivery, byte[] bytes) {
        if (delivery == Delivery.WHOLE) {
            delivery.writeInbound(channel, bytes);
            return;
        }
        for (int i = 0; i < bytes.length && channel.isOpen(); i++) {
            delivery.writeInbound(channel, new byte[] {bytes[i]});
        }
    }

    private void assertRefused(String phrase) {
        assertFalse(channel.isOpen(), "the connection should be closed");
        assertInstanceOf(HAProxyProtocolException.class, after.failure);
        assertTrue(after.failure.getMessage().contains(phrase), after.failure.getMessage());
        assertNull(after.header(), "no header decoded");
        assertEquals(0, after.bytes().length, "nothing handed on");
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aV1HeaderIsDecodedAndWhatFollowsHandedOnByteExact(Delivery delivery) {
        byte[] rest = {'h', 'i', 0, (byte) 0xff, '\r', '\n'};
        delivery.writeInbound(
                channel, concat("PROXY TCP4 192.0.2.7 198.51.100.1 50312 8090\r\n".getBytes(US_ASCII), rest));
        HAProxyMessage header = after.header();
        assertEquals(HAProxyProxiedProtocol.TCP4, header.proxiedProtocol());
        assertEquals("192.0.2.7", header.sourceAddress());
        assertEquals(50312, header.sourcePort());
        header.release();
        assertEquals(Arrays.toString(rest), Arrays.toString(after.bytes()));
        assertNull(channel.pipeline().get(ProxyHeaderDecoder.class), "the decoder leaves once the header is in");
        assertNull(after.failure);
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aV2HeaderWithTlvsIsDecodedAndTheTlvsReleasedWithIt(Delivery delivery) {
        byte[] tlvs =
                concat(new byte[] {0x01, 0x00, 0x02, 'h', '2', 0x02, 0x00, 0x0b}, "example.com".getBytes(US_ASCII));
        feed(delivery, concat(v2Tcp4(tlvs), "payload".getBytes(US_ASCII)));
        HAProxyMessage header = after.header();
        assertEquals(HAProxyCommand.PROXY, header.command());
        assertEquals("192.0.2.7", header.sourceAddress());
        assertEquals(2, header.tlvs().size());
        assertTrue(header.release());
        assertEquals("payload", new String(after.bytes(), US_ASCII));
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aV2LocalHeaderIsDecoded(Delivery delivery) {
        feed(delivery, concat(SIGNATURE, new byte[] {0x20, 0x00, 0x00, 0x00}));
        HAProxyMessage header = after.header();
        assertEquals(HAProxyCommand.LOCAL, header.command());
        header.release();
        assertFalse(channel.finishAndReleaseAll());
    }

    /** Found by ProxiedPipelineFuzzTest: Netty's decoder throws an IndexOutOfBoundsException for this one. */
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aV2TlvLongerThanItsHeaderIsRefusedAsMalformed(Delivery delivery) {
        byte[] header = v2Tcp4(new byte[] {0x01, 0x01, (byte) 0x9a, 'h', '2'}); // ALPN of 410 bytes, 2 there
        feed(delivery, header);
        assertRefused("malformed PROXY header: a field runs past the header's end");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aPlainRequestIsRefusedAtItsFirstByte(Delivery delivery) {
        feed(delivery, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
        assertRefused("it begins 47 (\"G\")");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aWrongSixthByteIsRefused(Delivery delivery) {
        feed(delivery, "PROXYZ TCP4\r\n".getBytes(US_ASCII));
        assertRefused("it begins 50 52 4f 58 59 5a (\"PROXYZ\")");
    }

    /** 100 KiB of garbage in one read: refused on its first byte, and the read released, never held. */
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void garbageIsNeverBuffered(Delivery delivery) {
        byte[] garbage = new byte[100 * 1024];
        Arrays.fill(garbage, (byte) 'x');
        if (delivery == Delivery.WHOLE) {
            ByteBuf read = channel.alloc().buffer(garbage.length).writeBytes(garbage);
            channel.writeInbound(read);
            assertEquals(0, read.refCnt(), "the read is released at once");
        } else {
            feed(delivery, Arrays.copyOf(garbage, 64));
        }
        assertRefused("not a PROXY protocol header");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aV1LineWithoutItsEndWithin108BytesIsRefused(Delivery delivery) {
        byte[] line = new byte[300];
        Arrays.fill(line, (byte) '1');
        feed(delivery, concat("PROXY TCP4 ".getBytes(US_ASCII), line));
        assertRefused("exceeds the allowed maximum (108)");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aMalformedV1LineIsRefused(Delivery delivery) {
        feed(delivery, "PROXY TCP4 999.0.0.1 198.51.100.1 1 2\r\n".getBytes(US_ASCII));
        assertRefused("999.0.0.1");
    }

    /** A v2 header that declares 65,535 bytes is refused when its length arrives, not after 64 KiB are held. */
    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anOversizedV2HeaderIsRefusedAtItsLength(Delivery delivery) {
        byte[] start = concat(SIGNATURE, new byte[] {0x21, 0x11, (byte) 0xff});
        feed(delivery, start);
        assertTrue(channel.isOpen(), "15 bytes could still begin a header");
        feed(delivery, new byte[] {(byte) 0xff});
        assertRefused("a PROXY v2 header of 65551 bytes, over the 16384-byte limit");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void aV2HeaderOfAnotherVersionIsRefused(Delivery delivery) {
        feed(delivery, concat(SIGNATURE, new byte[] {0x31, 0x11, 0, 12}));
        assertRefused("0x31");
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anEndWithinAHeaderIsRefused(Delivery delivery) {
        feed(delivery, "PROXY TCP4 192.0".getBytes(US_ASCII));
        assertTrue(channel.isOpen());
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertInstanceOf(HAProxyProtocolException.class, after.failure);
        assertTrue(
                after.failure.getMessage().contains("ended its side after 16 or more bytes"),
                after.failure.getMessage());
        assertFalse(channel.finishAndReleaseAll());
    }

    @ParameterizedTest
    @EnumSource(Delivery.class)
    void anEndBeforeAnyByteIsNoFailure(Delivery delivery) {
        channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertNull(after.failure);
        assertFalse(channel.finishAndReleaseAll());
    }
}
