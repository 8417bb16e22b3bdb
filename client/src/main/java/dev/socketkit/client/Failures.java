package dev.socketkit.client;

import dev.socketkit.client.ClientException.Reason;
import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

/** Turns Netty's and the JDK's exceptions into a {@link ClientException} whose one line a user can read. */
final class Failures {
    private Failures() {}

    static ClientException describe(String endpoint, Throwable failure) {
        if (failure instanceof ClientException known) {
            return known;
        }
        String message = rootMessage(failure);
        if (failure instanceof ConnectTimeoutException) {
            return new ClientException(Reason.TIMED_OUT, "connecting to " + endpoint + " timed out", failure);
        }
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException) {
            return new ClientException(Reason.HOST_NOT_FOUND, "host not found: " + endpoint, failure);
        }
        if (message.contains("No such file or directory")) {
            return new ClientException(Reason.NO_SUCH_SOCKET, "no such socket file: " + endpoint, failure);
        }
        if (failure instanceof ConnectException
                || failure instanceof PortUnreachableException
                || message.contains("Connection refused")) {
            return new ClientException(Reason.REFUSED, "connection refused: " + endpoint, failure);
        }
        if (message.contains("Connection reset") || message.contains("Broken pipe")) {
            return new ClientException(Reason.RESET, "connection reset by " + endpoint, failure);
        }
        return new ClientException(Reason.IO, endpoint + ": " + message, failure);
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}
