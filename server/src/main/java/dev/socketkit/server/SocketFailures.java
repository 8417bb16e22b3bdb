package dev.socketkit.server;

import dev.socketkit.transport.internal.OpenFiles;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import java.util.Locale;

/**
 * Tells a socket's own failure (a reset, a failed send) from an exception a handler threw, whatever its type: a
 * handler may throw an {@link java.io.IOException} of its own, and that is its failure, to report. Netty fires the
 * socket's failures at the head of the pipeline, so the first handler marks each exception it sees pass, and the last
 * one asks whether the exception it got was marked; a handler's own exception starts at that handler, past the head.
 * The mark is a channel attribute, set only when an exception passes, so a connection that never fails pays nothing.
 */
final class SocketFailures {
    private static final AttributeKey<Throwable> FROM_SOCKET = AttributeKey.valueOf(SocketFailures.class, "fromSocket");

    private SocketFailures() {}

    /** Called by the first handler of a pipeline, for every exception that reaches it. */
    static void markAtHead(ChannelHandlerContext ctx, Throwable cause) {
        ctx.channel().attr(FROM_SOCKET).set(cause);
    }

    /**
     * Whether {@code cause} is a want of memory or of file descriptors, anywhere in its chain of causes: not the peer's
     * doing and not a handler's bug, but what an operator must be told, by name, at WARN.
     */
    static boolean isResourceFailure(Throwable cause) {
        return resource(cause) != null;
    }

    /**
     * {@code cause} in words: the resource that ran out, such as {@code too many open files (EMFILE): the process may
     * open 1024}, or else the message of its root cause.
     */
    static String describeResource(Throwable cause) {
        String resource = resource(cause);
        if (resource != null) {
            return resource;
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private static String resource(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                String what = t.getMessage() != null
                                && t.getMessage().toLowerCase(Locale.ROOT).contains("direct")
                        ? "out of direct memory"
                        : "out of memory";
                return what + " (" + t.getMessage() + ")";
            }
            String message = t.getMessage();
            if (message != null && message.contains("Too many open files in system")) {
                return "too many open files in the system (ENFILE): the system's file limit is reached (fs.file-max)";
            }
            if (message != null && message.contains("Too many open files")) {
                return "too many open files (EMFILE): the process may open " + openFileLimit() + " (ulimit -n)";
            }
        }
        return null;
    }

    private static String openFileLimit() {
        long limit = OpenFiles.limit();
        return limit < 0 ? "a limited number" : String.valueOf(limit);
    }

    /** Whether {@code cause}, caught by the last handler, came from the socket rather than from a handler. */
    static boolean isFromSocket(ChannelHandlerContext ctx, Throwable cause) {
        return ctx.channel().hasAttr(FROM_SOCKET)
                && ctx.channel().attr(FROM_SOCKET).getAndSet(null) == cause;
    }
}
