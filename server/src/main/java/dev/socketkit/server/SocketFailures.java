package dev.socketkit.server;

import dev.socketkit.transport.internal.Failures;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;

/**
 * Tells a socket's own failure (a reset, a failed send) from an exception a handler threw, whatever its type: a
 * handler may throw an {@link java.io.IOException} of its own, and that is its failure, to report. Netty fires the
 * socket's failures at the head of the pipeline, so the first handler marks each exception it sees pass, and the last
 * one asks whether the exception it got was marked; a handler's own exception starts at that handler, past the head.
 * The mark is a channel attribute, set only when an exception passes, so a connection that never fails pays nothing.
 * Resource failures (memory, descriptors) are told apart and worded by {@link Failures}, for the relay's sake too.
 */
final class SocketFailures {
    private static final AttributeKey<Throwable> FROM_SOCKET = AttributeKey.valueOf(SocketFailures.class, "fromSocket");

    private SocketFailures() {}

    /** Called by the first handler of a pipeline, for every exception that reaches it. */
    static void markAtHead(ChannelHandlerContext ctx, Throwable cause) {
        ctx.channel().attr(FROM_SOCKET).set(cause);
    }

    /** Whether {@code cause}, caught by the last handler, came from the socket rather than from a handler. */
    static boolean isFromSocket(ChannelHandlerContext ctx, Throwable cause) {
        return ctx.channel().hasAttr(FROM_SOCKET)
                && ctx.channel().attr(FROM_SOCKET).getAndSet(null) == cause;
    }
}
