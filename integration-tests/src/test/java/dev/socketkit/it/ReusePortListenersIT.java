package dev.socketkit.it;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.server.HandlerFactory;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code withListeners(N)}: N sockets share the port through {@code SO_REUSEPORT}, each on its own event loop, and the
 * kernel spreads connections and datagram sources over all of them. Each connection and datagram is served on the loop
 * of the socket that took it, so the loop threads that served show which sockets did.
 */
@Timeout(60)
class ReusePortListenersIT {
    /** Clients from as many source ports: the chance that the kernel's hash sends all 64 to one of 2 sockets is 2^-63. */
    private static final int CLIENTS = 64;

    private static final int LISTENERS = 2;

    @TempDir
    Path directory;

    @TransportAndKindTest
    void everyListenerServes(Transport transport, SocketKind kind) throws Exception {
        assumeTrue(kind == SocketKind.TCP || kind == SocketKind.UDP, "SO_REUSEPORT is for tcp and udp sockets");
        assumeTrue(
                transport == Transport.EPOLL || transport == Transport.IO_URING,
                () -> "several listeners are refused on " + transport + " (see refusedWhereTheKernelCannotShare)");
        ThreadRecorder recorder = new ThreadRecorder();
        HandlerFactory handlers = () -> recorder;
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withListeners(LISTENERS)
                .withHandler(handlers);
        try (Server server = Transports.start(transport, config)) {
            Endpoint endpoint = server.endpoint();
            assertEquals(LISTENERS, socketsBoundTo(kind, endpoint.port()), "sockets the kernel lists on the port");
            if (kind == SocketKind.TCP) {
                List<Socket> sockets = new ArrayList<>();
                try {
                    for (int i = 0; i < CLIENTS; i++) {
                        Socket socket = new Socket(endpoint.host(), endpoint.port());
                        sockets.add(socket);
                        byte[] hello = ("hello " + i).getBytes(US_ASCII);
                        socket.getOutputStream().write(hello);
                        assertArrayEquals(hello, socket.getInputStream().readNBytes(hello.length), "echo " + i);
                    }
                } finally {
                    for (Socket socket : sockets) {
                        socket.close();
                    }
                }
            } else {
                for (int i = 0; i < CLIENTS; i++) {
                    try (UdpClient client = UdpClient.connect(endpoint)) {
                        byte[] hello = ("hello " + i).getBytes(US_ASCII);
                        client.send(hello);
                        assertArrayEquals(hello, client.receive(), "echo " + i);
                    }
                }
            }
            assertEquals(CLIENTS, recorder.total.get(), "every client was served once");
            Map<String, Integer> byThread = recorder.byThread;
            assertEquals(LISTENERS, byThread.size(), () -> "loops that served: " + byThread);
        }
    }

    @TransportAndKindTest
    void refusedWhereTheKernelCannotShare(Transport transport, SocketKind kind) {
        Transports.assumeCarries(transport, kind);
        assumeTrue(
                kind.isUnix() || (transport != Transport.EPOLL && transport != Transport.IO_URING),
                () -> transport + " shares " + kind.scheme() + " ports (see everyListenerServes)");
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoints.of(kind, directory))
                .withListeners(LISTENERS)
                .withIo(Io.valueOf(transport.name()));
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> Server.start(config).close());
        String message = refused.getMessage();
        assertTrue(message.contains("SO_REUSEPORT"), message);
        assertTrue(message.contains(kind.isUnix() ? kind.scheme() : transport.id()), message);
    }

    /**
     * How many sockets the kernel lists bound to {@code port}: listening ones from {@code /proc/net/tcp} and {@code
     * tcp6} (state 0A), or from {@code /proc/net/udp} and {@code udp6} (state 07, unconnected), what {@code ss -ltn}
     * and {@code ss -lun} show. Both families: Netty's native transports bind IPv4 addresses on IPv6 sockets.
     */
    private static long socketsBoundTo(SocketKind kind, int port) throws IOException {
        String protocol = kind == SocketKind.TCP ? "tcp" : "udp";
        String state = kind == SocketKind.TCP ? "0A" : "07";
        String local = String.format(Locale.ROOT, ":%04X", port);
        long count = 0;
        for (String table : List.of("/proc/net/" + protocol, "/proc/net/" + protocol + "6")) {
            count += Files.readAllLines(Path.of(table)).stream()
                    .skip(1)
                    .map(line -> line.trim().split("\\s+"))
                    .filter(fields -> fields[1].endsWith(local) && fields[3].equals(state))
                    .count();
        }
        return count;
    }

    /**
     * Echoes every message, and counts per thread the connections it saw open and the datagrams it read: each once,
     * however TCP cut the bytes into reads. Sharable: its map and counter are concurrent.
     */
    @Sharable
    private static final class ThreadRecorder extends ChannelInboundHandlerAdapter {
        final Map<String, Integer> byThread = new ConcurrentHashMap<>();
        final AtomicInteger total = new AtomicInteger();

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (ctx.channel().parent() != null) {
                record();
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                record();
                ctx.writeAndFlush(new DatagramPacket(packet.content(), packet.sender()));
            } else {
                ctx.writeAndFlush(msg);
            }
        }

        private void record() {
            byThread.merge(Thread.currentThread().getName(), 1, Integer::sum);
            total.incrementAndGet();
        }
    }
}
