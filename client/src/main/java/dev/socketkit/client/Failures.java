package dev.socketkit.client;

import dev.socketkit.client.ClientException.Reason;
import dev.socketkit.transport.internal.Failures.Kind;
import dev.socketkit.transport.internal.TlsFailures;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;

/**
 * Turns Netty's and the JDK's exceptions into a {@link ClientException} whose one line a user can read; the text is
 * {@link dev.socketkit.transport.internal.Failures}', shared with the benchmark.
 */
final class Failures {
    private Failures() {}

    static ClientException describe(String endpoint, Throwable failure) {
        if (failure instanceof ClientException known) {
            return known;
        }
        if (failure instanceof ClosedChannelException || failure instanceof NotYetConnectedException) {
            // What Netty fails a write with once the channel is no longer active (closed, or open but already
            // inactive after the peer's close): neither says more than that the connection is gone.
            return closed(endpoint, failure);
        }
        if (TlsFailures.isTls(failure)) {
            return new ClientException(Reason.TLS, TlsFailures.describe(endpoint, failure), failure);
        }
        Kind kind = dev.socketkit.transport.internal.Failures.kind(failure);
        String text = dev.socketkit.transport.internal.Failures.describe(kind, endpoint, failure);
        return new ClientException(reason(kind), text, failure);
    }

    /**
     * The peer closed the connection: the one wording, for the inbox that sees the close and for a write that meets
     * it.
     */
    static ClientException closed(String endpoint, Throwable cause) {
        return new ClientException(Reason.CLOSED, endpoint + " closed the connection", cause);
    }

    private static Reason reason(Kind kind) {
        return switch (kind) {
            case TIMED_OUT -> Reason.TIMED_OUT;
            case HOST_NOT_FOUND -> Reason.HOST_NOT_FOUND;
            case NO_SUCH_SOCKET -> Reason.NO_SUCH_SOCKET;
            case REFUSED -> Reason.REFUSED;
            case RESET -> Reason.RESET;
            case IO -> Reason.IO;
        };
    }
}
