package dev.socketkit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --io auto} on a machine where no native transport loads: NIO with one line saying why, or a clear refusal. */
@Timeout(60)
class TransportFallbackIT {
    /** Netty's own switch that makes epoll, io_uring and kqueue report themselves unavailable. */
    private static final List<String> NO_NATIVE = List.of("-Dio.netty.transport.noNative=true");

    private SocketKitProcess socketkit;

    @AfterEach
    void killServer() {
        if (socketkit != null) {
            socketkit.close();
        }
    }

    @Test
    void fallsBackToNioWithOneLineSayingWhy() throws Exception {
        socketkit = SocketKitProcess.startWithJvmOptions(NO_NATIVE, "serve", "echo", "tcp://127.0.0.1:0");
        String endpoint = socketkit.awaitListening(SocketKitProcess.START_TIMEOUT);
        assertTrue(endpoint.startsWith("tcp://127.0.0.1:"), endpoint);
        String why = socketkit.awaitStderrLine(line -> line.contains("using NIO"), SocketKitProcess.START_TIMEOUT);
        assertTrue(why.contains("epoll: ") && why.contains("noNative"), why);
    }

    @Test
    void refusesUnixDatagramsWhenNeitherEpollNorKqueueLoads() throws Exception {
        socketkit = SocketKitProcess.startWithJvmOptions(
                NO_NATIVE, "serve", "echo", "unixgram:///tmp/socketkit-fallback-it.sock");
        socketkit.assertRefused(SocketKitProcess.EXIT_FAILURE, "unixgram sockets need epoll or kqueue");
    }
}
