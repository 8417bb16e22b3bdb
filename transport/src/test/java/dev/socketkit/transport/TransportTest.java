package dev.socketkit.transport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The channel classes, event loops and addresses of each transport. */
class TransportTest {

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "NIO, TCP, true",
        "NIO, UDP, true",
        "NIO, UNIX, true",
        "NIO, UNIXGRAM, false",
        "EPOLL, TCP, true",
        "EPOLL, UDP, true",
        "EPOLL, UNIX, true",
        "EPOLL, UNIXGRAM, true",
        "IO_URING, TCP, true",
        "IO_URING, UDP, true",
        "IO_URING, UNIX, true",
        "IO_URING, UNIXGRAM, false",
        "KQUEUE, TCP, true",
        "KQUEUE, UDP, true",
        "KQUEUE, UNIX, true",
        "KQUEUE, UNIXGRAM, true"
    })
    void supportsTheKindsItHasChannelsFor(Transport transport, SocketKind kind, boolean expected) {
        assertEquals(expected, transport.supports(kind));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "NIO, TCP, io.netty.channel.socket.nio.NioSocketChannel",
        "NIO, UDP, io.netty.channel.socket.nio.NioDatagramChannel",
        "NIO, UNIX, io.netty.channel.socket.nio.NioDomainSocketChannel",
        "EPOLL, TCP, io.netty.channel.epoll.EpollSocketChannel",
        "EPOLL, UDP, io.netty.channel.epoll.EpollDatagramChannel",
        "EPOLL, UNIX, io.netty.channel.epoll.EpollDomainSocketChannel",
        "EPOLL, UNIXGRAM, io.netty.channel.epoll.EpollDomainDatagramChannel",
        "IO_URING, TCP, io.netty.channel.uring.IoUringSocketChannel",
        "IO_URING, UDP, io.netty.channel.uring.IoUringDatagramChannel",
        "IO_URING, UNIX, io.netty.channel.uring.IoUringDomainSocketChannel",
        "KQUEUE, TCP, io.netty.channel.kqueue.KQueueSocketChannel",
        "KQUEUE, UDP, io.netty.channel.kqueue.KQueueDatagramChannel",
        "KQUEUE, UNIX, io.netty.channel.kqueue.KQueueDomainSocketChannel",
        "KQUEUE, UNIXGRAM, io.netty.channel.kqueue.KQueueDomainDatagramChannel"
    })
    void channelClassMatchesTheTransportAndKind(Transport transport, SocketKind kind, Class<?> expected) {
        assertEquals(expected, transport.channelClass(kind));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "NIO, TCP, io.netty.channel.socket.nio.NioServerSocketChannel",
        "NIO, UNIX, io.netty.channel.socket.nio.NioServerDomainSocketChannel",
        "EPOLL, TCP, io.netty.channel.epoll.EpollServerSocketChannel",
        "EPOLL, UNIX, io.netty.channel.epoll.EpollServerDomainSocketChannel",
        "IO_URING, TCP, io.netty.channel.uring.IoUringServerSocketChannel",
        "IO_URING, UNIX, io.netty.channel.uring.IoUringServerDomainSocketChannel",
        "KQUEUE, TCP, io.netty.channel.kqueue.KQueueServerSocketChannel",
        "KQUEUE, UNIX, io.netty.channel.kqueue.KQueueServerDomainSocketChannel"
    })
    void serverChannelClassMatchesTheTransportAndKind(Transport transport, SocketKind kind, Class<?> expected) {
        assertEquals(expected, transport.serverChannelClass(kind));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void udpHasNoServerChannel(Transport transport) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> transport.serverChannelClass(SocketKind.UDP));
        assertTrue(e.getMessage().contains("udp sockets do not listen"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(
            value = Transport.class,
            names = {"EPOLL", "KQUEUE"})
    void unixDatagramsHaveNoServerChannelEvenWhereSupported(Transport transport) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> transport.serverChannelClass(SocketKind.UNIXGRAM));
        assertTrue(e.getMessage().contains("unixgram sockets do not listen"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(
            value = Transport.class,
            names = {"NIO", "IO_URING"})
    void transportsWithoutUnixDatagramsRefuseTheirChannelClasses(Transport transport) {
        IllegalArgumentException channel =
                assertThrows(IllegalArgumentException.class, () -> transport.channelClass(SocketKind.UNIXGRAM));
        IllegalArgumentException server =
                assertThrows(IllegalArgumentException.class, () -> transport.serverChannelClass(SocketKind.UNIXGRAM));
        String expected = transport.id() + " has no unixgram sockets";
        assertAll(
                () -> assertTrue(channel.getMessage().contains(expected), channel.getMessage()),
                () -> assertTrue(server.getMessage().contains(expected), server.getMessage()));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void newEventLoopGroupStartsDaemonThreadsAndShutsDown(Transport transport) throws Exception {
        assumeTrue(
                transport.isAvailable(),
                () -> transport.id() + " is not available here: "
                        + transport
                                .unavailabilityCause()
                                .map(Throwable::toString)
                                .orElse("no cause given"));
        EventLoopGroup group = transport.newEventLoopGroup(1, "transport-test");
        try {
            Thread thread = group.next().submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
            assertAll(
                    () -> assertTrue(
                            thread.getName().startsWith("transport-test-" + transport.id() + "-"), thread::getName),
                    () -> assertTrue(thread.isDaemon(), "event-loop threads are daemons"));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertTrue(group.isTerminated());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void newEventLoopGroupRefusesAnUnavailableTransport(Transport transport) {
        assumeFalse(transport.isAvailable(), () -> transport.id() + " is available here");
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> transport.newEventLoopGroup(1, "transport-test"));
        assertTrue(e.getMessage().startsWith(transport.id() + " is not available"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void unavailabilityCauseIsPresentExactlyWhenUnavailable(Transport transport) {
        assertEquals(!transport.isAvailable(), transport.unavailabilityCause().isPresent());
    }

    @Test
    void nioIsAvailableEverywhere() {
        assertTrue(Transport.NIO.isAvailable());
    }

    @Test
    void idsAreTheLowerCaseNames() {
        assertAll(
                () -> assertEquals("nio", Transport.NIO.id()),
                () -> assertEquals("epoll", Transport.EPOLL.id()),
                () -> assertEquals("io_uring", Transport.IO_URING.id()),
                () -> assertEquals("kqueue", Transport.KQUEUE.id()));
    }

    @ParameterizedTest
    @EnumSource(
            value = SocketKind.class,
            names = {"UNIX", "UNIXGRAM"})
    void nioTakesTheJdkUnixAddress(SocketKind kind) {
        Endpoint endpoint = Endpoint.parse(kind.scheme() + ":///tmp/a.sock");
        SocketAddress address = Transport.NIO.socketAddress(endpoint);
        UnixDomainSocketAddress unix = assertInstanceOf(UnixDomainSocketAddress.class, address);
        assertEquals("/tmp/a.sock", unix.getPath().toString());
    }

    @ParameterizedTest
    @EnumSource(
            value = Transport.class,
            names = {"EPOLL", "IO_URING", "KQUEUE"})
    void nativeTransportsTakeNettysUnixAddress(Transport transport) {
        SocketAddress address = transport.socketAddress(Endpoint.unix("rel/a.sock"));
        DomainSocketAddress unix = assertInstanceOf(DomainSocketAddress.class, address);
        assertEquals("rel/a.sock", unix.path());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyTransportTakesAResolvedInetAddressForTcpAndUdp(Transport transport) {
        InetSocketAddress tcp = assertInstanceOf(
                InetSocketAddress.class, transport.socketAddress(Endpoint.parse("tcp://127.0.0.1:8090")));
        InetSocketAddress udp =
                assertInstanceOf(InetSocketAddress.class, transport.socketAddress(Endpoint.parse("udp://[::1]:9000")));
        assertAll(
                () -> assertFalse(tcp.isUnresolved()),
                () -> assertEquals(8090, tcp.getPort()),
                () -> assertEquals("127.0.0.1", tcp.getAddress().getHostAddress()),
                () -> assertFalse(udp.isUnresolved()),
                () -> assertEquals(9000, udp.getPort()),
                () -> assertTrue(udp.getAddress().isLoopbackAddress()));
    }
}
