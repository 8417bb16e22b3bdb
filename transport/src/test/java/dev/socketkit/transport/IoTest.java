package dev.socketkit.transport;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing {@code --io} values and choosing a transport for a socket kind. */
class IoTest {

    @ParameterizedTest
    @EnumSource(Io.class)
    void parsesEveryIdInAnyCase(Io io) {
        assertAll(
                () -> assertEquals(io, Io.parse(io.id())),
                () -> assertEquals(io, Io.parse(io.id().toUpperCase(Locale.ROOT))),
                () -> assertEquals(io, Io.parse(io.name())),
                () -> assertEquals(io, Io.parse(" " + io.id() + " ")));
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "nio, NIO", "Epoll, EPOLL", "io_uring, IO_URING", "IO_URING, IO_URING", "KQueue, KQUEUE"})
    void parsesTheNamesUsersType(String text, Io expected) {
        assertEquals(expected, Io.parse(text));
    }

    @Test
    void idsAreTheLowerCaseNames() {
        assertAll(
                () -> assertEquals("auto", Io.AUTO.id()),
                () -> assertEquals("io_uring", Io.IO_URING.id()),
                () -> assertEquals("kqueue", Io.KQUEUE.id()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io-uring", "iouring", "uring", "", "select"})
    void rejectsAnUnknownValueListingTheChoices(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Io.parse(text));
        assertAll(
                () -> assertTrue(e.getMessage().contains("unknown transport '" + text + "'"), e.getMessage()),
                () -> assertTrue(e.getMessage().contains("use auto, nio, epoll, kqueue or io_uring"), e.getMessage()));
    }

    @ParameterizedTest
    @EnumSource(
            value = Io.class,
            names = {"NIO", "IO_URING"})
    void refusesUnixDatagramsOnTransportsThatHaveNoneAndNamesTheOnesThatDo(Io io) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> io.select(SocketKind.UNIXGRAM));
        assertAll(
                () -> assertTrue(e.getMessage().contains(io.id() + " has no unixgram sockets"), e.getMessage()),
                () -> assertTrue(e.getMessage().contains("epoll or kqueue"), e.getMessage()));
    }

    @Test
    void reportsKqueueAsUnavailableOffBsdAndMacos() {
        assumeTrue(!Transport.KQUEUE.isAvailable(), "kqueue is available on this machine");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Io.KQUEUE.select(SocketKind.TCP));
        assertTrue(e.getMessage().contains("kqueue is not available on this machine"), e.getMessage());
    }

    @Test
    void reportsAnUnavailableTransportAsUnavailableEvenForUnixDatagrams() {
        assumeTrue(!Transport.KQUEUE.isAvailable(), "kqueue is available on this machine");
        // kqueue has Unix datagram sockets, so this is a machine problem, not a usage error.
        assertThrows(IllegalStateException.class, () -> Io.KQUEUE.select(SocketKind.UNIXGRAM));
    }

    @ParameterizedTest
    @EnumSource(
            value = SocketKind.class,
            names = {"TCP", "UDP", "UNIX"})
    void nioCarriesEveryKindButUnixDatagrams(SocketKind kind) {
        assertEquals(Transport.NIO, Io.NIO.select(kind));
    }

    @ParameterizedTest
    @EnumSource(SocketKind.class)
    void namedEpollCarriesEveryKind(SocketKind kind) {
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available on this machine");
        assertEquals(Transport.EPOLL, Io.EPOLL.select(kind));
    }

    @Test
    void autoPicksANativeTransportForTcpWhenEpollLoads() {
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available on this machine");
        Transport chosen = Io.AUTO.select(SocketKind.TCP);
        assertAll(
                () -> assertEquals(Transport.EPOLL, chosen, "epoll is preferred"),
                () -> assertTrue(chosen.isAvailable()));
    }

    @Test
    void autoPicksEpollForUnixDatagrams() {
        assumeTrue(Transport.EPOLL.isAvailable(), "epoll is not available on this machine");
        assertEquals(Transport.EPOLL, Io.AUTO.select(SocketKind.UNIXGRAM));
    }

    @ParameterizedTest
    @EnumSource(SocketKind.class)
    void autoAlwaysPicksAnAvailableTransportThatSupportsTheKind(SocketKind kind) {
        assumeTrue(
                Transport.EPOLL.isAvailable() || Transport.KQUEUE.isAvailable() || kind != SocketKind.UNIXGRAM,
                "no transport here carries unix datagrams");
        Transport chosen = Io.AUTO.select(kind);
        assertAll(() -> assertTrue(chosen.isAvailable(), chosen::id), () -> assertTrue(chosen.supports(kind)));
    }
}
