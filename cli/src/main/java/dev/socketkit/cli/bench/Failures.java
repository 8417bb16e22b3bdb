package dev.socketkit.cli.bench;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;

/** Turns Netty's and the JDK's exceptions into the short text the report and the error line show. */
final class Failures {
    private Failures() {}

    static String describe(String endpoint, Throwable failure) {
        String message = rootMessage(failure);
        if (failure instanceof ConnectTimeoutException) {
            return "connecting to " + endpoint + " timed out";
        }
        if (failure instanceof UnknownHostException) {
            return "host not found: " + endpoint;
        }
        if (message.contains("No such file or directory")) {
            return "no such socket file: " + endpoint;
        }
        if (failure instanceof ConnectException
                || failure instanceof PortUnreachableException
                || message.contains("Connection refused")) {
            return "connection refused: " + endpoint;
        }
        if (message.contains("Connection reset") || message.contains("Broken pipe")) {
            return "connection reset by " + endpoint;
        }
        return endpoint + ": " + message;
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
