package dev.socketkit.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Echo servers that misbehave on purpose, on plain JDK sockets so that they share no code with what they test: one that
 * flips a bit in every read (or datagram) it echoes, and one that reads but never answers. Loopback only; every thread
 * ends when the server is closed.
 */
final class FaultyEchoServer implements AutoCloseable {
    private final String endpoint;
    private final Closeable socket;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private FaultyEchoServer(String endpoint, Closeable socket) {
        this.endpoint = endpoint;
        this.socket = socket;
    }

    /** A TCP server that echoes every read with its first byte's lowest bit flipped. */
    static FaultyEchoServer corruptingTcp() throws IOException {
        return tcp(true);
    }

    /** A TCP server that accepts and reads, but never writes a byte back. */
    static FaultyEchoServer silentTcp() throws IOException {
        return tcp(false);
    }

    /** A UDP server that echoes every datagram with its last byte's lowest bit flipped. */
    static FaultyEchoServer corruptingUdp() throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        FaultyEchoServer server = new FaultyEchoServer("udp://127.0.0.1:" + socket.getLocalPort(), socket);
        daemon("corrupting-udp", () -> {
            byte[] buffer = new byte[65_536];
            while (!socket.isClosed()) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                if (packet.getLength() > 0) {
                    buffer[packet.getLength() - 1] ^= 1;
                }
                socket.send(new DatagramPacket(buffer, packet.getLength(), packet.getSocketAddress()));
            }
        });
        return server;
    }

    private static FaultyEchoServer tcp(boolean corrupting) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultyEchoServer server = new FaultyEchoServer("tcp://127.0.0.1:" + listener.getLocalPort(), listener);
        daemon("faulty-tcp-accept", () -> {
            while (!listener.isClosed()) {
                Socket connection = listener.accept();
                server.connections.add(connection);
                daemon("faulty-tcp-connection", () -> serve(connection, corrupting));
            }
        });
        return server;
    }

    private static void serve(Socket connection, boolean corrupting) throws IOException {
        try (connection) {
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            byte[] buffer = new byte[8192];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                if (corrupting) {
                    buffer[0] ^= 1;
                    out.write(buffer, 0, n);
                }
            }
        }
    }

    /** Runs {@code body} on a daemon thread; the IOException that closing the socket causes ends it quietly. */
    private static void daemon(String name, IoBody body) {
        Thread thread = new Thread(
                () -> {
                    try {
                        body.run();
                    } catch (IOException closed) {
                        // The server or the connection was closed: this thread's work is over.
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    private interface IoBody {
        void run() throws IOException;
    }

    String endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
