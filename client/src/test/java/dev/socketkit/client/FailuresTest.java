package dev.socketkit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.socketkit.client.ClientException.Reason;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetConnectedException;
import org.junit.jupiter.api.Test;

/** The one line a user reads for each way a connection fails. */
class FailuresTest {
    private static final String ENDPOINT = "tcp://127.0.0.1:9";

    /**
     * A write that meets a connection the peer already closed fails with one of two messageless exceptions, depending
     * on whether Netty has closed the channel yet; both read as the close they are, never as the exception's name.
     */
    @Test
    void aWriteAfterThePeersCloseSaysTheConnectionWasClosed() {
        for (Throwable cause : new Throwable[] {new NotYetConnectedException(), new ClosedChannelException()}) {
            ClientException failure = Failures.describe(ENDPOINT, cause);
            assertEquals(Reason.CLOSED, failure.reason(), cause::toString);
            assertEquals(ENDPOINT + " closed the connection", failure.getMessage());
            assertSame(cause, failure.getCause());
        }
    }

    @Test
    void aRefusedConnectionIsNamedSo() {
        ClientException failure = Failures.describe(ENDPOINT, new ConnectException("Connection refused"));
        assertEquals(Reason.REFUSED, failure.reason());
        assertEquals("connection refused: " + ENDPOINT, failure.getMessage());
    }
}
