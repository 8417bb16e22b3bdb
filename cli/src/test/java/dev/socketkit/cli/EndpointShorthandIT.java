package dev.socketkit.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the first argument of {@code send} is: an endpoint only with a scheme, as {@code :PORT}, or as {@code HOST:PORT}
 * whose host looks like one; {@code status:200} is a message. {@code :PORT} is {@code 127.0.0.1:PORT} for serve too.
 */
@Timeout(60)
class EndpointShorthandIT {
    @Test
    void aOneWordHostAndNumberIsAMessageForTheDefaultEndpoint() throws Exception {
        ServerSocket listener;
        try {
            listener = new ServerSocket(8090, 50, InetAddress.getByName("127.0.0.1"));
        } catch (BindException busy) {
            assumeTrue(false, "127.0.0.1:8090, the default endpoint, is in use here");
            return;
        }
        try (listener) {
            CompletableFuture<String> received = echoOnce(listener);
            try (SocketKitProcess send = SocketKitProcess.start("send", "status:200")) {
                assertEquals(0, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
                assertEquals(List.of("status:200"), send.stdout(), send::toString);
            }
            assertEquals("status:200", received.get(20, TimeUnit.SECONDS), "the server got the text as data");
        }
    }

    @Test
    void aPortAloneIsLoopback() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            CompletableFuture<String> received = echoOnce(listener);
            try (SocketKitProcess send = SocketKitProcess.start("send", ":" + listener.getLocalPort(), "hi")) {
                assertEquals(0, send.awaitExit(SocketKitProcess.EXIT_TIMEOUT), send::toString);
                assertEquals(List.of("hi"), send.stdout(), send::toString);
            }
            assertEquals("hi", received.get(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void servesOnLoopbackForAPortAlone() throws Exception {
        try (SocketKitProcess serve = SocketKitProcess.start("serve", "echo", ":0")) {
            String endpoint = serve.awaitListening(SocketKitProcess.START_TIMEOUT);
            assertEquals(true, endpoint.matches("tcp://127\\.0\\.0\\.1:[1-9][0-9]*"), endpoint);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"send", "serve"})
    void namesABadPortOfTheShorthand(String command) throws Exception {
        String[] args = command.equals("send")
                ? new String[] {"send", ":99999", "hi"}
                : new String[] {"serve", "echo", ":99999"};
        try (SocketKitProcess process = SocketKitProcess.start(args)) {
            process.assertRefused(SocketKitProcess.EXIT_USAGE, "port '99999' in ':99999' is out of range 0-65535");
        }
    }

    @Test
    void namesATooLongPortAfterAnAddressLikeHost() throws Exception {
        try (SocketKitProcess send = SocketKitProcess.start("send", "localhost:123456", "hi")) {
            send.assertRefused(SocketKitProcess.EXIT_USAGE, "port '123456'", "out of range 0-65535");
        }
    }

    /** Accepts one connection, reads it to its end, sends it back and closes; completes with what was read. */
    private static CompletableFuture<String> echoOnce(ServerSocket listener) {
        return CompletableFuture.supplyAsync(() -> {
            try (Socket client = listener.accept()) {
                client.setSoTimeout(20_000);
                byte[] data = client.getInputStream().readAllBytes();
                client.getOutputStream().write(data);
                return new String(data, US_ASCII);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
