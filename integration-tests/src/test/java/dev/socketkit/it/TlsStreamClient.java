package dev.socketkit.it;

import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.SocketKind;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * A TLS client on the JDK's own {@link SSLEngine}, pumped over a {@link StreamClient}, so it speaks TLS over TCP and
 * Unix stream sockets alike and shares no code with the server (whose engine is OpenSSL where it loads, otherwise a JDK
 * engine behind Netty's handler). It checks the server's certificate and host name as a production client does, and
 * keeps the plain client's bounded patience on every call.
 *
 * <p>Strict about endings, as the protocol is: {@link #shutdownOutput()} sends a {@code close_notify} and nothing else
 * (no FIN, so the server sees the end only if it reads TLS's own), and a read returns -1 only after the server's {@code
 * close_notify}; a stream that ends without one fails the read (a truncation, RFC 8446 section 6.1).
 *
 * <p>Threads: one may write while another reads, as with {@link StreamClient}; the engine serializes its own wrap and
 * unwrap, and what the reader must send (a TLS 1.2 {@code close_notify} answer) goes out under the writer's lock.
 */
final class TlsStreamClient implements StreamConnection {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final StreamClient raw;
    private final SSLEngine engine;
    private final Object writing = new Object();
    private final Object reading = new Object();

    /** Records for the wire, guarded by {@link #writing}. */
    private ByteBuffer netOut;

    /** Records read and not yet unwrapped, in write mode; guarded by {@link #reading}. */
    private ByteBuffer netIn;

    /** Plain text unwrapped and not yet returned, in read mode; guarded by {@link #reading}. */
    private ByteBuffer appIn;

    private TlsStreamClient(StreamClient raw, SSLEngine engine) {
        this.raw = raw;
        this.engine = engine;
        SSLSession session = engine.getSession();
        netOut = ByteBuffer.allocate(session.getPacketBufferSize());
        netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
    }

    /**
     * Connects and completes the handshake, offering only {@code protocols} (such as {@code TLSv1.3}).
     *
     * @param trust what the client trusts, such as {@code TestCertificates.sslContext()}
     */
    static TlsStreamClient connect(Endpoint endpoint, Duration patience, SSLContext trust, String... protocols)
            throws IOException {
        return over(StreamClient.connect(endpoint, patience), endpoint, trust, protocols);
    }

    /**
     * Completes a handshake with {@code endpoint} over {@code raw}, a plain connection to it (one with a small
     * receive buffer, say), offering only {@code protocols}; closes {@code raw} if the handshake fails.
     */
    static TlsStreamClient over(StreamClient raw, Endpoint endpoint, SSLContext trust, String... protocols)
            throws IOException {
        // Over a Unix socket there is no host to check; a certificate for localhost is what such a server has.
        String host = endpoint.kind() == SocketKind.UNIX ? "localhost" : endpoint.host();
        SSLEngine engine = trust.createSSLEngine(host, endpoint.kind() == SocketKind.UNIX ? -1 : endpoint.port());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(protocols);
        engine.setSSLParameters(parameters);
        TlsStreamClient client = new TlsStreamClient(raw, engine);
        try {
            client.handshake();
            return client;
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** {@return the session: the protocol and cipher agreed, the server's certificates} */
    SSLSession session() {
        return engine.getSession();
    }

    @Override
    public Optional<SSLSession> tlsSession() {
        return Optional.of(session());
    }

    /**
     * The first message of a handshake with {@code endpoint}, a ClientHello as this client sends it, for a peer that
     * sends it and then stalls, or sends only part of it.
     */
    static byte[] clientHello(Endpoint endpoint, SSLContext trust) throws SSLException {
        SSLEngine engine = trust.createSSLEngine(
                endpoint.kind() == SocketKind.UNIX ? "localhost" : endpoint.host(),
                endpoint.kind() == SocketKind.UNIX ? -1 : endpoint.port());
        engine.setUseClientMode(true);
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(NOTHING, hello);
        byte[] bytes = new byte[hello.flip().remaining()];
        hello.get(bytes);
        return bytes;
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    synchronized (writing) {
                        wrapAndSend(NOTHING);
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    synchronized (reading) {
                        if (!unwrapMore()) {
                            throw new EOFException("the server closed during the TLS handshake");
                        }
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
            }
        }
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        synchronized (writing) {
            while (bytes.hasRemaining()) {
                wrapAndSend(bytes);
            }
        }
    }

    @Override
    public int read(ByteBuffer into) throws IOException {
        if (!into.hasRemaining()) {
            throw new IllegalArgumentException("no room to read into");
        }
        synchronized (reading) {
            while (!appIn.hasRemaining()) {
                if (engine.isInboundDone()) {
                    return -1;
                }
                if (!unwrapMore()) {
                    throw new EOFException("the server ended the stream without a close_notify (a truncation)");
                }
            }
            int count = Math.min(appIn.remaining(), into.remaining());
            into.put(into.position(), appIn, appIn.position(), count);
            into.position(into.position() + count);
            appIn.position(appIn.position() + count);
            return count;
        }
    }

    /** Sends a {@code close_notify}, TLS's end of our output, and no FIN: the connection stays open for reading. */
    @Override
    public void shutdownOutput() throws IOException {
        synchronized (writing) {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrapAndSend(NOTHING);
            }
        }
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    /** Resets the connection underneath, with no {@code close_notify}: as a TLS peer that crashed. */
    @Override
    public void reset() throws IOException {
        raw.reset();
    }

    /** Wraps what it can of {@code bytes} (or a handshake or closing message) and sends it. Holds {@link #writing}. */
    private void wrapAndSend(ByteBuffer bytes) throws IOException {
        netOut.clear();
        SSLEngineResult result = engine.wrap(bytes, netOut);
        switch (result.getStatus()) {
            case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(2 * netOut.capacity());
            case CLOSED -> {
                if (result.bytesProduced() == 0) {
                    throw new SSLException("cannot send: our side of the TLS connection is closed");
                }
            }
            case OK, BUFFER_UNDERFLOW -> {}
        }
        raw.write(netOut.flip());
        if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
        }
    }

    /**
     * Unwraps one more record into {@link #appIn}, reading from the socket when a whole record is not in yet; returns
     * false if the stream ended first. Holds {@link #reading}.
     */
    private boolean unwrapMore() throws IOException {
        while (true) {
            appIn.compact();
            SSLEngineResult result;
            try {
                result = engine.unwrap(netIn.flip(), appIn);
            } finally {
                netIn.compact();
                appIn.flip();
            }
            switch (result.getStatus()) {
                case OK, CLOSED -> {
                    afterUnwrap(result.getHandshakeStatus());
                    return true;
                }
                case BUFFER_OVERFLOW ->
                    appIn = grow(appIn.compact(), engine.getSession().getApplicationBufferSize())
                            .flip();
                case BUFFER_UNDERFLOW -> {
                    if (!netIn.hasRemaining()) {
                        netIn = grow(netIn, engine.getSession().getPacketBufferSize());
                    }
                    if (raw.read(netIn) < 0) {
                        return false;
                    }
                }
            }
        }
    }

    /** Does what the engine asks after an unwrap: run its tasks, or send (a handshake message, a closing answer). */
    private void afterUnwrap(HandshakeStatus status) throws IOException {
        if (status == HandshakeStatus.NEED_TASK) {
            runTasks();
        } else if (status == HandshakeStatus.NEED_WRAP) {
            synchronized (writing) {
                while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    wrapAndSend(NOTHING);
                }
            }
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** A copy of {@code buffer} (write mode) with room for at least {@code more} bytes besides what it holds. */
    private static ByteBuffer grow(ByteBuffer buffer, int more) {
        ByteBuffer bigger = ByteBuffer.allocate(buffer.position() + Math.max(more, buffer.capacity()));
        return bigger.put(buffer.flip());
    }
}
