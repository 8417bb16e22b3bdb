package dev.socketkit.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.socketkit.junit.TestCertificates;
import dev.socketkit.server.ServerConfig;
import dev.socketkit.transport.Endpoint;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLSession;

/**
 * Whether a stream test talks plain bytes or TLS: the third dimension of the transport matrix, after the transport and
 * the socket kind. A test body takes one and does the same over both.
 */
enum Security {
    /** Plain bytes: the server as configured, {@link StreamClient} against it. */
    PLAIN,

    /**
     * TLS 1.3: the server with the test run's certificate ({@link TestCertificates}) on its default engine, the
     * JDK's, behind Netty's SslHandler; {@link TlsStreamClient}, the JDK's SSLEngine driven by hand, against it.
     * StreamEchoIT also serves on the OpenSSL engine, and the CLI tests talk to openssl, socat and ncat: stacks that
     * share no code with ours.
     */
    TLS;

    /** The protocol {@link #TLS} offers: the one with a half-close, so that every stream body makes sense over it. */
    static final String TLS_1_3 = "TLSv1.3";

    /** {@code config} as this security has it: with the test run's certificate for {@link #TLS}. */
    ServerConfig applyTo(ServerConfig config) {
        return this == TLS ? config.withTls(TestCertificates.serverTls()) : config;
    }

    /**
     * Checks that {@code connection} speaks this security: TLS 1.3 for {@link #TLS}, no TLS at all for {@link #PLAIN}.
     * A body run over TLS that never did TLS would pass for nothing.
     */
    void assertSpokenBy(StreamConnection connection) {
        String spoken = connection.tlsSession().map(SSLSession::getProtocol).orElse("no TLS");
        assertEquals(this == TLS ? TLS_1_3 : "no TLS", spoken, "the connection's security");
    }

    /** Connects to {@code endpoint}, TLS handshake included, with {@link StreamClient#PATIENCE}. */
    StreamConnection connect(Endpoint endpoint) throws IOException {
        return connect(endpoint, StreamClient.PATIENCE);
    }

    /** Connects to {@code endpoint}, TLS handshake included; each later call waits at most {@code patience}. */
    StreamConnection connect(Endpoint endpoint, Duration patience) throws IOException {
        return connect(endpoint, patience, 0);
    }

    /**
     * As {@link #connect(Endpoint, Duration)}, with a socket receive buffer of {@code receiveBufferSize} bytes (0: the
     * system's), for a peer that backs up soon when it does not read.
     */
    StreamConnection connect(Endpoint endpoint, Duration patience, int receiveBufferSize) throws IOException {
        StreamClient raw = StreamClient.connect(endpoint, patience, receiveBufferSize);
        return this == TLS ? TlsStreamClient.over(raw, endpoint, TestCertificates.sslContext(), TLS_1_3) : raw;
    }
}
