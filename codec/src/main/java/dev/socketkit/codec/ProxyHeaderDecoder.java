package dev.socketkit.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Netty's PROXY header decoder, made to refuse at once what cannot be a header. Netty's decoder takes anything that
 * does not start with the v2 signature for a v1 line, and holds up to 108 bytes looking for its end (16 + 65,535 for
 * v2): a plain client's request, or garbage, would wait there until the deadline. This one checks each byte of the
 * header's fixed start as it comes, so the first byte that does not fit fails the connection:
 *
 * <pre>
 * v1   'P' 'R' 'O' 'X' 'Y' ' '  ...text...  \r \n                       (at most 107 bytes)
 * v2   0D 0A 0D 0A 00 0D 0A 51 55 49 54 0A   2x   ff   LL LL   ...LL bytes...
 *      signature (12 bytes)                  |    |    length of what follows (big-endian)
 *                                            |    family and transport
 *                                            version 2, command 0 (LOCAL) or 1 (PROXY)
 * </pre>
 *
 * and a v2 header that declares more than the limit fails when its length arrives, before its body is waited for. So
 * does the end of input within a header. On a failure the connection is closed, the bytes held are dropped, and an
 * {@link HAProxyProtocolException} is fired. One per connection.
 */
final class ProxyHeaderDecoder extends HAProxyMessageDecoder {
    private static final byte[] V1_START = {'P', 'R', 'O', 'X', 'Y', ' '};
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** The v2 header's fixed part: signature, version and command, family, length. */
    private static final int V2_FIXED = 16;

    /** What Netty's decoder adds to its TLV limit: the fixed part and the largest address block. */
    private static final int NETTY_TLV_BASE = V2_FIXED + 216;

    private final int maxHeader;
    /** The header's first bytes as they came, up to the end of its fixed part. */
    private final byte[] start = new byte[V2_FIXED];

    private int seen;
    private boolean failed;

    /** {@code maxHeader}: the longest v2 header taken, at least 232 bytes (a fixed part and the largest addresses). */
    ProxyHeaderDecoder(int maxHeader) {
        super(maxHeader - NETTY_TLV_BASE);
        this.maxHeader = maxHeader;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (failed) {
            ReferenceCountUtil.release(msg); // read in the same batch as the bytes that failed
            return;
        }
        if (msg instanceof ByteBuf data && seen < V2_FIXED) {
            String wrong = check(data);
            if (wrong != null) {
                data.release();
                fail(ctx, new HAProxyProtocolException(wrong));
                return;
            }
        }
        try {
            super.channelRead(ctx, msg);
        } catch (DecoderException e) {
            fail(ctx, malformed(e));
        }
    }

    /**
     * What the decoder throws outside {@link #channelRead} (at the end of input) comes here. Its failures are the
     * peer's, whatever their type: the socket's own failures pass on as they are.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException decoding && !failed) {
            fail(ctx, decoding instanceof HAProxyProtocolException bad ? bad : malformed(decoding));
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /**
     * The peer's malformed header, as the one exception a header's failure comes as. Netty 4.2.18's decoder lets some
     * out as other exceptions: a v2 TLV longer than what is left of its header is an {@link IndexOutOfBoundsException}
     * (wrapped in a {@link DecoderException}), which would otherwise pass for a handler's bug.
     */
    private static HAProxyProtocolException malformed(DecoderException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String why = root instanceof IndexOutOfBoundsException ? "a field runs past the header's end" : rootMessage(e);
        return new HAProxyProtocolException("malformed PROXY header: " + why, e);
    }

    /**
     * At the end of input, a header begun and not complete is a failure too; a connection that ends before its first
     * byte (a port probe, a health check that only connects) is not, and simply ends.
     */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            return;
        }
        super.decodeLast(ctx, in, out);
        if (out.isEmpty() && seen > 0) {
            failed = true;
            throw new HAProxyProtocolException("the peer ended its side after " + seen
                    + (seen == V2_FIXED ? " or more" : "") + " bytes of its PROXY header");
        }
    }

    /** Checks the bytes of {@code data} that fall in the header's fixed start; returns why they cannot, or null. */
    private String check(ByteBuf data) {
        int from = data.readerIndex();
        int count = Math.min(data.readableBytes(), V2_FIXED - seen);
        for (int i = 0; i < count; i++) {
            start[seen++] = data.getByte(from + i);
            String wrong = checkLast();
            if (wrong != null) {
                return wrong;
            }
        }
        return null;
    }

    /** Checks the byte just added to {@link #start}. */
    private String checkLast() {
        int at = seen - 1;
        byte b = start[at];
        if (start[0] == V1_START[0]) {
            return at >= V1_START.length || b == V1_START[at] ? null : notAHeader();
        }
        if (at < V2_SIGNATURE.length) {
            return b == V2_SIGNATURE[at] ? null : notAHeader();
        }
        if (at == V2_SIGNATURE.length) {
            return (b & 0xF0) == 0x20 && (b & 0x0F) <= 1
                    ? null
                    : String.format(
                            "a PROXY v2 header with version and command byte 0x%02x (expected 0x20 or 0x21)", b);
        }
        if (at == V2_FIXED - 1) {
            int length = V2_FIXED + ((start[14] & 0xFF) << 8 | (b & 0xFF));
            return length <= maxHeader
                    ? null
                    : "a PROXY v2 header of " + length + " bytes, over the " + maxHeader + "-byte limit";
        }
        return null;
    }

    private String notAHeader() {
        StringBuilder text = new StringBuilder("not a PROXY protocol header: it begins ");
        for (int i = 0; i < seen; i++) {
            text.append(i == 0 ? "" : " ").append(String.format("%02x", start[i] & 0xFF));
        }
        boolean printable = true;
        for (int i = 0; i < seen; i++) {
            printable &= start[i] >= 0x20 && start[i] < 0x7F;
        }
        if (printable) {
            text.append(" (\"").append(new String(start, 0, seen, StandardCharsets.US_ASCII));
            text.append("\")");
        }
        return text.append("; expected 'PROXY ' or the v2 signature").toString();
    }

    /** Netty's words for what is wrong: they are in the innermost cause ({@code invalid IPv4 address: 999.0.0.1}). */
    private static String rootMessage(Throwable failure) {
        String message = failure.getMessage();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null
                    && (t.getCause() == null
                            || !t.getMessage().equals(t.getCause().toString()))) {
                message = t.getMessage();
            }
        }
        return message;
    }

    /** Drops what is held, closes the connection, and says why. */
    private void fail(ChannelHandlerContext ctx, HAProxyProtocolException cause) {
        failed = true;
        ByteBuf held = internalBuffer();
        held.skipBytes(held.readableBytes()); // so that removing the decoder hands nothing on
        ctx.close();
        ctx.fireExceptionCaught(cause);
    }
}
