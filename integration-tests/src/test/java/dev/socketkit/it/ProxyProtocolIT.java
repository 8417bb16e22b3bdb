package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.client.Client;
import dev.socketkit.client.ClientConfig;
import dev.socketkit.codec.ProxyProtocol;
import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.server.BlockingHandler;
import dev.socketkit.server.Guard;
import dev.socketkit.server.Server;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.server.ServerListener;
import dev.socketkit.server.ServerStats;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import dev.socketkit.transport.Transport;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PROXY protocol against a peer we did not write: a real HAProxy in front of a socketkit server that takes the
 * protocol, with {@code send-proxy} (v1) and {@code send-proxy-v2}. The server must see the real client's address and
 * port, not HAProxy's, in its listener and its blocking handlers, and serve the bytes unchanged; HAProxy's own health
 * checks (v2 {@code LOCAL}) are accepted. Then hostile peers on every transport and stream kind, with socketkit's own
 * client sending the header beside them.
 */
@Timeout(60)
class ProxyProtocolIT {
    private static final Duration SHORT = Duration.ofMillis(300);

    @TempDir
    Path directory;

    private Haproxy haproxy;
    private Server server;
    private final List<SocketAddress> opened = new CopyOnWriteArrayList<>();
    private final ServerListener recording = new ServerListener() {
        @Override
        public void connectionOpened(SocketAddress peer) {
            opened.add(peer);
        }
    };

    @AfterEach
    void stop() throws Exception {
        if (haproxy != null) {
            haproxy.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private ServerConfig proxied() {
        return ServerConfig.defaults()
                .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0"))
                .withProxyProtocol(true)
                .withListener(recording);
    }

    /**
     * A client of HAProxy's frontend from 127.0.0.2 (on Linux all of 127/8 is loopback), so that its address differs
     * from HAProxy's (127.0.0.1) as well as its port; 127.0.0.1 where that cannot be bound.
     */
    private static Socket clientOf(int port) throws IOException {
        Socket client = new Socket();
        try {
            client.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 0));
        } catch (IOException noSecondLoopback) {
            client.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        }
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        client.setSoTimeout((int) Poll.WAIT.toMillis());
        return client;
    }

    @ParameterizedTest
    @ValueSource(strings = {"send-proxy", "send-proxy-v2"})
    void behindHaproxyTheServerSeesTheRealClientsAddressAndPort(String sendProxy) throws Exception {
        server = Server.start(proxied());
        haproxy = Haproxy.start(directory, "127.0.0.1:" + server.endpoint().port() + " " + sendProxy);
        byte[] data = new byte[256 + 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i; // every byte value, CR LF and the v2 signature's bytes among them
        }
        try (Socket client = clientOf(haproxy.port(0))) {
            OutputStream out = client.getOutputStream();
            out.write(data);
            out.flush();
            assertArrayEquals(data, client.getInputStream().readNBytes(data.length), "the echo through HAProxy");
            SocketAddress real = client.getLocalSocketAddress();
            Poll.until(() -> opened.contains(real), "the server sees " + real + " in " + opened + "; " + haproxy);
        }
        assertEquals(0, server.stats().count(Guard.PROXY_HEADER), server.stats().summary());
    }

    @Test
    void behindHaproxyABlockingHandlersPeerIsTheRealClient() throws Exception {
        BlockingHandler tellsPeer = request -> {
            request.output().write(request.peer().toString().getBytes(StandardCharsets.US_ASCII));
        };
        server = Server.start(proxied().withHandler(tellsPeer));
        haproxy = Haproxy.start(directory, "127.0.0.1:" + server.endpoint().port() + " send-proxy-v2");
        try (Socket client = clientOf(haproxy.port(0))) {
            InputStream in = client.getInputStream();
            String told = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            assertEquals(client.getLocalSocketAddress().toString(), told, haproxy::toString);
        }
    }

    // tag::proxy-handler[]
    /** Greets each client by its address: behind a proxy, the one the PROXY header names. */
    @Sharable
    static final class Hello extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            SocketAddress client = ProxyProtocol.clientAddress(ctx.channel()); // not the proxy's address
            ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), "hello " + client + "\n"));
            ctx.fireChannelActive();
        }
    }
    // end::proxy-handler[]

    @Test
    void behindHaproxyAHandlerOfOnesOwnLearnsTheRealClient() throws Exception {
        Hello hello = new Hello();
        // tag::proxy-server[]
        ServerConfig config = ServerConfig.defaults()
                .withEndpoint(Endpoint.parse("tcp://127.0.0.1:0")) // where HAProxy's server line points
                .withProxyProtocol(true) // every connection must begin with a PROXY header
                .withHandler(() -> hello);
        // end::proxy-server[]
        server = Server.start(config.withListener(recording));
        haproxy = Haproxy.start(directory, "127.0.0.1:" + server.endpoint().port() + " send-proxy");
        try (Socket client = clientOf(haproxy.port(0))) {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("hello " + client.getLocalSocketAddress(), in.readLine(), haproxy::toString);
        }
    }

    /**
     * HAProxy's health checks with {@code check-send-proxy}: v2 sends {@code LOCAL}, v1 a header naming the check's own
     * connection. Both are accepted, as HAProxy itself, and never refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"send-proxy", "send-proxy-v2"})
    void haproxysHealthChecksAreAcceptedAsTheProxyItself(String sendProxy) throws Exception {
        server = Server.start(proxied());
        haproxy = Haproxy.start(
                directory,
                "127.0.0.1:" + server.endpoint().port() + " " + sendProxy + " check check-send-proxy inter 100ms");
        ServerStats stats = Poll.stats(server, s -> s.acceptedConnections() >= 3, Poll.WAIT);
        assertTrue(stats.acceptedConnections() >= 3, () -> "health checks: " + stats.summary() + "; " + haproxy);
        Poll.until(() -> opened.size() >= 2, "health checks' headers accepted: " + opened + "; " + haproxy);
        for (SocketAddress check : opened) {
            assertEquals(
                    InetAddress.getLoopbackAddress(),
                    ((InetSocketAddress) check).getAddress(),
                    "the socket's own peer, HAProxy");
        }
        assertEquals(0, server.stats().count(Guard.PROXY_HEADER), server.stats().summary());
    }

    /**
     * Hostile peers beside well-behaved ones: a connection that sends nothing is closed at the (short) deadline, one
     * that talks without a header and one that floods garbage are closed at once; each is counted, and socketkit's
     * clients that send a header, v1 and v2, are served before and after.
     */
    @TransportAndStreamKindTest
    void peersWithoutAValidHeaderAreClosedAndCountedAndOthersServed(Transport transport, SocketKind kind)
            throws Exception {
        Endpoint endpoint = Endpoints.of(kind, directory);
        server = Transports.start(
                transport,
                ServerConfig.defaults()
                        .withEndpoint(endpoint)
                        .withProxyProtocol(true)
                        .withProxyHeaderTimeout(SHORT));
        ClientConfig client = ClientConfig.defaults()
                .withEndpoint(server.endpoint())
                .withReadTimeout(Poll.WAIT)
                .withConnectTimeout(Poll.WAIT);
        try (Client v1 = Client.connect(client.withProxyHeader(ProxyVersion.V1));
                Client v2 = Client.connect(client.withProxyHeader(ProxyVersion.V2));
                StreamClient silent = StreamClient.connect(server.endpoint(), Poll.WAIT);
                StreamClient plain = StreamClient.connect(server.endpoint(), Poll.WAIT);
                StreamClient flood = StreamClient.connect(server.endpoint(), Poll.WAIT)) {
            assertEquals("one", v1.request("one"));
            assertEquals("two", v2.request("two"));

            plain.write(Text.bytes("hello server\n"));
            assertEquals(0, plain.readUntilClosed(0).length, "a plain client is closed, unanswered");
            try {
                flood.write(new byte[100 * 1024]); // 100 KiB of zeros: refused at its first byte
            } catch (IOException closedWhileWriting) {
                // The server may close before all of it is written: that is the point.
            }
            assertEquals(0, flood.readUntilClosed(0).length, "garbage is closed, unanswered");
            assertEquals(0, silent.readUntilClosed(0).length, "silence is closed at the header deadline");

            ServerStats stats =
                    Poll.stats(server, s -> s.count(Guard.PROXY_HEADER) == 3 && s.openConnections() == 2, Poll.WAIT);
            assertEquals(3, stats.count(Guard.PROXY_HEADER), stats.summary());
            assertEquals(2, stats.openConnections(), stats.summary());
            assertEquals("three", v1.request("three"), "a client with a header is unaffected");
            assertEquals("four", v2.request("four"));
        }
    }
}
