package dev.socketkit.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.TlsConfig;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RelayConfigTest {
    private static final Endpoint TCP = Endpoint.parse("tcp://127.0.0.1:0");
    private static final Endpoint UDP = Endpoint.parse("udp://127.0.0.1:9000");

    @Test
    void aTargetOfTheOtherFamilyIsRefusedInOneLineNamingBoth() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> RelayConfig.of(TCP, UDP).validate());
        assertEquals(
                "cannot relay the stream socket tcp://127.0.0.1:0 to the datagram socket udp://127.0.0.1:9000: a relay"
                        + " joins sockets of one family, stream to stream (tcp, tls, unix) or datagram to datagram"
                        + " (udp, unixgram)",
                refused.getMessage());
        assertThrows(
                IllegalArgumentException.class, () -> RelayConfig.of(UDP, TCP).validate());
    }

    @Test
    void tlsOnADatagramSideIsRefused() {
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> RelayConfig.of(Endpoint.parse("udp://127.0.0.1:0"), UDP)
                        .withTargetTls(TlsConfig.client())
                        .validate());
        assertTrue(
                refused.getMessage().startsWith("TLS on the target side needs a stream endpoint"),
                refused.getMessage());
    }

    @Test
    void valuesOutOfRangeAreRefusedNamingTheValue() {
        RelayConfig config = RelayConfig.of(TCP, TCP);
        assertEquals(
                "connect timeout PT0S must be positive",
                assertThrows(IllegalArgumentException.class, () -> config.withConnectTimeout(Duration.ZERO))
                        .getMessage());
        assertEquals(
                "max sessions 0 is out of range 1-" + RelayConfig.MAX_SESSIONS,
                assertThrows(IllegalArgumentException.class, () -> config.withMaxSessions(0))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> config.withSessionIdleTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> config.withBufferSize(-1));
    }

    @Test
    void aTlsSchemeTerminatesOrOriginatesWithTheDefaults() {
        RelayConfig config = RelayConfig.of(Endpoint.parse("tls://127.0.0.1:0"), Endpoint.parse("tls://127.0.0.1:9"));
        assertTrue(config.effectiveListenTls().orElseThrow().isSelfSigned(), "a self-signed certificate to present");
        assertTrue(config.effectiveTargetTls().isPresent(), "TLS toward a tls:// target");
        assertTrue(RelayConfig.of(TCP, TCP).effectiveTargetTls().isEmpty(), "plain text toward a tcp:// target");
        assertEquals(RelayConfig.DEFAULT_CONNECT_TIMEOUT, config.connectTimeout(), "a finite connect timeout");
    }

    @Test
    void aRetargetedConfigKeepsEverySettingButTheEndpointsAndTlsForASideNoLongerTls() {
        Consumer<String> sink = dump -> {};
        RelayListener listener = new RelayListener() {};
        RelayConfig from = RelayConfig.of(Endpoint.parse("tls://127.0.0.1:0"), Endpoint.parse("tls://127.0.0.1:9"))
                .withTargetTls(TlsConfig.client())
                .withHexDump(sink)
                .withListener(listener)
                .withConnectTimeout(Duration.ofSeconds(2))
                .withBufferSize(4096);
        Endpoint listen = Endpoint.parse("tcp://127.0.0.1:7000");
        Endpoint target = Endpoint.parse("tls://127.0.0.1:7001");
        RelayConfig moved = from.retargeted(listen, target);
        assertEquals(listen, moved.listen());
        assertEquals(target, moved.target());
        assertEquals(sink, moved.hexDump().orElseThrow());
        assertEquals(listener, moved.listener());
        assertEquals(Duration.ofSeconds(2), moved.connectTimeout());
        assertEquals(4096, moved.bufferSize());
        assertTrue(moved.effectiveListenTls().isEmpty(), "the listen side is plain TCP now");
        assertEquals(from.effectiveTargetTls(), moved.effectiveTargetTls(), "the target is still TLS: its trust kept");
    }
}
