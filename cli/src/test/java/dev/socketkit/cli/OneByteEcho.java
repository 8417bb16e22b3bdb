package dev.socketkit.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/** The probe of the guard tests: a loopback TCP client, and whether one byte sent on it comes back. */
final class OneByteEcho {
    private OneByteEcho() {}

    /** A client connected to {@code port} on 127.0.0.1, with 5 s to connect and 5 s per read. */
    static Socket connect(int port) throws IOException {
        Socket client = new Socket();
        client.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        client.setSoTimeout(5000);
        return client;
    }

    /** Whether {@code client} is served: one byte echoed. False if it was closed, reset, or never read. */
    static boolean echoes(Socket client) {
        try {
            client.getOutputStream().write("x".getBytes(US_ASCII));
            return client.getInputStream().read() == 'x';
        } catch (IOException closedOrNeverRead) { // a reset, or the 5 s read timeout
            return false;
        }
    }

    /**
     * Closes every client in {@code clients} (and empties it), then connects to {@code port} again and again, 100 ms
     * apart for up to 10 s, until one connection is served: accepting resumes within a second of descriptors being
     * free, and the queued connections' closes take a while too.
     *
     * @return whether one was served
     */
    static boolean servedAfterClosing(List<Socket> clients, int port) throws IOException, InterruptedException {
        for (Socket client : clients) {
            client.close();
        }
        clients.clear();
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Socket client = connect(port)) {
                if (echoes(client)) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }
}
