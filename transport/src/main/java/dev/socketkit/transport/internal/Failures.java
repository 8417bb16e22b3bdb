package dev.socketkit.transport.internal;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/**
 * Turns Netty's and the JDK's connect and I/O exceptions into the one line a user reads, the same for the client and
 * the benchmark.
 */
public final class Failures {
    /** What went wrong, as far as the exception tells. */
    public enum Kind {
        /** The connect did not finish in time. */
        TIMED_OUT,
        /** The host name does not resolve. */
        HOST_NOT_FOUND,
        /** A Unix endpoint's socket file does not exist. */
        NO_SUCH_SOCKET,
        /** Nothing listens at the address. */
        REFUSED,
        /** The peer reset the connection. */
        RESET,
        /** Any other I/O failure. */
        IO
    }

    private Failures() {}

    /**
     * Classifies a failure.
     *
     * @param failure what Netty or the JDK threw
     * @return what went wrong
     */
    public static Kind kind(Throwable failure) {
        if (failure instanceof ConnectTimeoutException) {
            return Kind.TIMED_OUT;
        }
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException) {
            return Kind.HOST_NOT_FOUND;
        }
        String message = rootMessage(failure);
        if (message.contains("No such file or directory")) {
            return Kind.NO_SUCH_SOCKET;
        }
        if (failure instanceof ConnectException
                || failure instanceof PortUnreachableException
                || message.contains("Connection refused")) {
            return Kind.REFUSED;
        }
        if (message.contains("Connection reset") || message.contains("Broken pipe")) {
            return Kind.RESET;
        }
        return Kind.IO;
    }

    /**
     * The one line for a failure, such as {@code connection refused: tcp://127.0.0.1:9}.
     *
     * @param endpoint the endpoint as the user gave it
     * @param failure what Netty or the JDK threw
     * @return the line, without a trailing newline
     */
    public static String describe(String endpoint, Throwable failure) {
        return describe(kind(failure), endpoint, failure);
    }

    /**
     * The one line for a failure already classified.
     *
     * @param kind what {@link #kind(Throwable)} returned for {@code failure}
     * @param endpoint the endpoint as the user gave it
     * @param failure what Netty or the JDK threw
     * @return the line, without a trailing newline
     */
    public static String describe(Kind kind, String endpoint, Throwable failure) {
        return switch (kind) {
            case TIMED_OUT -> "connecting to " + endpoint + " timed out";
            case HOST_NOT_FOUND -> "host not found: " + endpoint;
            case NO_SUCH_SOCKET -> "no such socket file: " + endpoint;
            case REFUSED -> "connection refused: " + endpoint;
            case RESET -> "connection reset by " + endpoint;
            case IO -> endpoint + ": " + rootMessage(failure);
        };
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
