package dev.socketkit.transport.internal;

import dev.socketkit.transport.Endpoint;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Turns Netty's and the JDK's bind, connect and I/O exceptions into the one line a user reads, the same for the server,
 * the client, the relay and the benchmark.
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
            case IO -> endpoint + ": " + describeResourceOrRoot(failure);
        };
    }

    /**
     * The one line for a bind that failed, in words rather than errno names, for servers and the relay alike.
     *
     * @param endpoint where the bind was tried
     * @param failure what Netty or the JDK threw
     * @return such as {@code address already in use: tcp://127.0.0.1:8090}
     */
    public static String describeBind(Endpoint endpoint, Throwable failure) {
        if (failure instanceof NoSuchFileException missing) {
            return "cannot listen on " + endpoint + ": directory " + missing.getFile() + " does not exist";
        }
        String message = rootMessage(failure);
        if (message.contains("Address already in use")) {
            return "address already in use: " + endpoint;
        }
        if (message.contains("Permission denied") || message.contains("Access denied")) {
            if (!endpoint.kind().isUnix() && endpoint.port() > 0 && endpoint.port() < 1024) {
                return "permission denied binding " + endpoint + ": ports below 1024 need root or the "
                        + "CAP_NET_BIND_SERVICE capability (net.ipv4.ip_unprivileged_port_start)";
            }
            if (endpoint.kind().isUnix()) {
                Path parent = Path.of(endpoint.path()).toAbsolutePath().getParent();
                return "permission denied creating " + endpoint + ": no write access to directory " + parent;
            }
            return "permission denied binding " + endpoint;
        }
        if (message.contains("Cannot assign requested address")) {
            return "cannot listen on " + endpoint + ": " + endpoint.host() + " is not an address of this machine";
        }
        if (message.contains("No such file or directory")) {
            Path parent = Path.of(endpoint.path()).toAbsolutePath().getParent();
            return "cannot listen on " + endpoint + ": directory " + parent + " does not exist";
        }
        return "cannot listen on " + endpoint + ": " + message;
    }

    /**
     * Whether {@code failure} is a want of memory or of file descriptors, anywhere in its chain of causes: not a peer's
     * doing and not a handler's bug, but what an operator must be told, by name, at WARN.
     *
     * @param failure what Netty or the JDK threw
     * @return whether memory or descriptors ran out
     */
    public static boolean isResourceFailure(Throwable failure) {
        return resource(failure) != null;
    }

    /**
     * {@code failure} in words: the resource that ran out, such as {@code too many open files (EMFILE): the process may
     * open 1024 (ulimit -n)}, or else the message of its root cause.
     *
     * @param failure what Netty or the JDK threw
     * @return the words, without a trailing newline
     */
    public static String describeResourceOrRoot(Throwable failure) {
        String resource = resource(failure);
        return resource != null ? resource : rootMessage(failure);
    }

    private static String resource(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
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
                long limit = OpenFiles.limit();
                return "too many open files (EMFILE): the process may open "
                        + (limit < 0 ? "a limited number" : String.valueOf(limit)) + " (ulimit -n)";
            }
        }
        return null;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
