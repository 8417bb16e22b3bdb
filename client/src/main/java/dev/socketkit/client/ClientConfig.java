package dev.socketkit.client;

import dev.socketkit.codec.Framing;
import dev.socketkit.codec.ProxyVersion;
import dev.socketkit.transport.Endpoint;
import dev.socketkit.transport.Io;
import dev.socketkit.transport.SocketSetting;
import dev.socketkit.transport.TlsConfig;
import dev.socketkit.transport.internal.Sizes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything a client connects with. Immutable: each {@code withX} returns a changed copy.
 *
 * @param endpoint where to connect
 * @param framing how the stream is cut into frames (stream sockets only; datagrams are frames already)
 * @param io which transport carries the socket
 * @param bufferSize the most bytes one read returns, as {@code recv(N)}; 0 lets stream reads size themselves up to 64
 *     KiB and datagram reads take the largest datagram whole
 * @param socketOptions options set on the socket
 * @param connectTimeout how long a connect may take, a TLS handshake included
 * @param readTimeout how long {@link Client#receive()} waits for a frame, and any other single wait
 * @param exchangeTimeout how long one whole exchange may take, however steadily data keeps coming: a {@link
 *     Client#request} (send, then the reply) or a {@link Client#receiveUntilClosed()}
 * @param inboxLimit how many bytes of received frames the client holds for its caller: once that many wait untaken, it
 *     stops reading from the socket until the caller has taken half of them, so a peer that sends faster than the
 *     caller takes data is slowed down by flow control (TCP's window; datagrams the OS cannot queue are dropped)
 *     instead of filling the heap. One read more may arrive before reading stops, so the bytes held can pass the limit
 *     by one read (at most the buffer size, 64 KiB when automatic) or one frame
 * @param tls how the client speaks TLS; empty for plain text, but a {@code tls://} endpoint without it uses {@link
 *     TlsConfig#client()}: the system's trust store, and the server's certificate must name the host (see {@link
 *     #effectiveTls()})
 * @param proxyHeader the PROXY protocol header written first on each stream connection, as a proxy would send it for
 *     this client, for a server behind HAProxy; empty for none
 * @param hexDump where every chunk read and written goes as a hex dump (socat's {@code -x}), as the application sees
 *     it (after TLS, before framing); empty for none
 */
public record ClientConfig(
        Endpoint endpoint,
        Framing framing,
        Io io,
        int bufferSize,
        List<SocketSetting> socketOptions,
        Duration connectTimeout,
        Duration readTimeout,
        Duration exchangeTimeout,
        int inboxLimit,
        Optional<TlsConfig> tls,
        Optional<ProxyVersion> proxyHeader,
        Optional<Consumer<String>> hexDump) {

    /** The default {@link #inboxLimit()}: 256 KiB, four reads or frames of the default 64 KiB. */
    public static final int DEFAULT_INBOX_LIMIT = 256 * 1024;

    /**
     * Checks every value.
     *
     * @param endpoint where to connect
     * @param framing how the stream is cut into frames
     * @param io which transport carries the socket
     * @param bufferSize the most bytes one read returns, 0 to 64 MiB; 0 for automatic
     * @param socketOptions options set on the socket; copied
     * @param connectTimeout how long a connect may take, a TLS handshake included; positive
     * @param readTimeout how long any single wait may take; positive
     * @param exchangeTimeout how long one whole exchange may take; positive
     * @param inboxLimit how many bytes of received frames are held before reading stops; positive
     * @param tls how the client speaks TLS; empty for plain text (or a {@code tls://} endpoint's defaults)
     * @param proxyHeader the PROXY header written first on each stream connection; empty for none
     * @param hexDump where hex dumps of every chunk go; empty for none
     * @throws IllegalArgumentException naming the value that is out of range
     */
    public ClientConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(io, "io");
        socketOptions = List.copyOf(socketOptions);
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(proxyHeader, "proxyHeader");
        Objects.requireNonNull(hexDump, "hexDump");
        if (bufferSize < 0 || bufferSize > Sizes.MAX_READ_BUFFER) {
            throw new IllegalArgumentException(
                    "buffer size " + bufferSize + " is out of range 1-" + Sizes.MAX_READ_BUFFER);
        }
        checkPositive("connect timeout", connectTimeout);
        checkPositive("read timeout", readTimeout);
        checkPositive("exchange timeout", exchangeTimeout);
        if (inboxLimit < 1) {
            throw new IllegalArgumentException("inbox limit " + inboxLimit + " must be at least 1 byte");
        }
    }

    private static void checkPositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " " + value + " must be positive");
        }
    }

    /**
     * The defaults: {@code tcp://127.0.0.1:8090}, raw framing, the best transport, 5 s to connect, 10 s per read, 30 s
     * per exchange, at most {@link #DEFAULT_INBOX_LIMIT} bytes received and not yet taken, and no PROXY header.
     *
     * @return the default configuration
     */
    public static ClientConfig defaults() {
        return new ClientConfig(
                Endpoint.DEFAULT,
                Framing.raw(),
                Io.AUTO,
                0,
                List.of(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(30),
                DEFAULT_INBOX_LIMIT,
                Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    /**
     * Checks what the constructor cannot check field by field: framing, socket options and a PROXY header against the
     * socket kind.
     *
     * @return this configuration
     * @throws IllegalArgumentException saying what does not fit
     */
    public ClientConfig validate() {
        framing.checkApplies(endpoint.kind().isDatagram(), endpoint.kind().scheme());
        SocketSetting.checkKinds(socketOptions, endpoint.kind());
        if (tls.isPresent() && endpoint.kind().isDatagram()) {
            throw new IllegalArgumentException("TLS needs a stream endpoint (tcp://, tls://, unix://), not "
                    + endpoint.kind().scheme() + "; DTLS for datagram sockets is not offered");
        }
        if (proxyHeader.isPresent() && endpoint.kind().isDatagram()) {
            throw new IllegalArgumentException("a PROXY header applies to stream sockets (tcp, unix), not "
                    + endpoint.kind().scheme());
        }
        return this;
    }

    /**
     * {@return how the client speaks TLS, if it does}: as set with {@link #withTls}, or {@link TlsConfig#client()} for a
     * {@code tls://} endpoint
     */
    public Optional<TlsConfig> effectiveTls() {
        if (tls.isEmpty() && endpoint.isTls()) {
            return Optional.of(TlsConfig.client());
        }
        return tls;
    }

    /**
     * A copy that speaks TLS, as {@code config} says: whom to trust (the system's trust store, extra CAs, one pinned
     * certificate, or no one with {@code insecure()}), the name to check and send (SNI), a client certificate, ALPN
     * protocols and the engine. Works on TCP and Unix stream endpoints.
     *
     * @param config the client's TLS settings
     * @return the copy
     */
    public ClientConfig withTls(TlsConfig config) {
        return edit(draft -> draft.tls = Optional.of(config));
    }

    /**
     * A copy that connects to {@code newEndpoint}.
     *
     * @param newEndpoint where to connect
     * @return the copy
     */
    public ClientConfig withEndpoint(Endpoint newEndpoint) {
        return edit(draft -> draft.endpoint = newEndpoint);
    }

    /**
     * A copy with {@code newFraming}.
     *
     * @param newFraming how the stream is cut into frames
     * @return the copy
     */
    public ClientConfig withFraming(Framing newFraming) {
        return edit(draft -> draft.framing = newFraming);
    }

    /**
     * A copy on {@code newIo}.
     *
     * @param newIo which transport carries the socket
     * @return the copy
     */
    public ClientConfig withIo(Io newIo) {
        return edit(draft -> draft.io = newIo);
    }

    /**
     * A copy whose reads return at most {@code newBufferSize} bytes.
     *
     * @param newBufferSize the most bytes one read returns, 0 to 64 MiB; 0 for automatic
     * @return the copy
     */
    public ClientConfig withBufferSize(int newBufferSize) {
        return edit(draft -> draft.bufferSize = newBufferSize);
    }

    /**
     * A copy that also sets {@code setting} (a later setting of the same option wins).
     *
     * @param setting the socket option and its value
     * @return the copy
     */
    public ClientConfig withSocketOption(SocketSetting setting) {
        List<SocketSetting> more = new ArrayList<>(socketOptions);
        more.removeIf(existing -> existing.name().equals(setting.name()));
        more.add(setting);
        return edit(draft -> draft.socketOptions = more);
    }

    /**
     * A copy with connect timeout {@code newTimeout}.
     *
     * @param newTimeout how long a connect may take, a TLS handshake included; positive
     * @return the copy
     */
    public ClientConfig withConnectTimeout(Duration newTimeout) {
        return edit(draft -> draft.connectTimeout = newTimeout);
    }

    /**
     * A copy with read timeout {@code newTimeout}.
     *
     * @param newTimeout how long any single wait may take; positive
     * @return the copy
     */
    public ClientConfig withReadTimeout(Duration newTimeout) {
        return edit(draft -> draft.readTimeout = newTimeout);
    }

    /**
     * A copy with exchange timeout {@code newTimeout}.
     *
     * @param newTimeout how long one whole exchange may take; positive
     * @return the copy
     */
    public ClientConfig withExchangeTimeout(Duration newTimeout) {
        return edit(draft -> draft.exchangeTimeout = newTimeout);
    }

    /**
     * A copy that holds at most {@code newLimit} bytes of received frames before it stops reading.
     *
     * @param newLimit how many bytes of received frames are held for the caller; positive
     * @return the copy
     */
    public ClientConfig withInboxLimit(int newLimit) {
        return edit(draft -> draft.inboxLimit = newLimit);
    }

    /**
     * A copy that writes a PROXY protocol header of {@code version} as the first bytes of the connection, before any
     * frame, as HAProxy's {@code send-proxy} ({@link ProxyVersion#V1}) or {@code send-proxy-v2} ({@link
     * ProxyVersion#V2}) would for this client: to test a server that sits behind a proxy. The header names the
     * connection's own addresses (on a Unix socket, v1 {@code UNKNOWN} or v2 {@code LOCAL}, as HAProxy sends there);
     * see {@link dev.socketkit.codec.ProxyProtocol#header}.
     *
     * @param version v1 (text) or v2 (binary)
     * @return the copy
     */
    public ClientConfig withProxyHeader(ProxyVersion version) {
        return edit(draft -> draft.proxyHeader = Optional.of(version));
    }

    /**
     * A copy that dumps every chunk the connection reads and writes (every datagram, with its sender or recipient) in
     * hex to {@code sink}: one string per chunk, a header line with the direction and both ends, then the dump.
     *
     * @param sink takes each dump; called from the client's event loop
     * @return the copy
     */
    public ClientConfig withHexDump(Consumer<String> sink) {
        return edit(draft -> draft.hexDump = Optional.of(sink));
    }

    private ClientConfig edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** The mutable twin a copy is made from, so that each {@code with} names only what it changes. */
    private static final class Draft {
        Endpoint endpoint;
        Framing framing;
        Io io;
        int bufferSize;
        List<SocketSetting> socketOptions;
        Duration connectTimeout;
        Duration readTimeout;
        Duration exchangeTimeout;
        int inboxLimit;
        Optional<TlsConfig> tls;
        Optional<ProxyVersion> proxyHeader;
        Optional<Consumer<String>> hexDump;

        Draft(ClientConfig from) {
            endpoint = from.endpoint;
            framing = from.framing;
            io = from.io;
            bufferSize = from.bufferSize;
            socketOptions = from.socketOptions;
            connectTimeout = from.connectTimeout;
            readTimeout = from.readTimeout;
            exchangeTimeout = from.exchangeTimeout;
            inboxLimit = from.inboxLimit;
            tls = from.tls;
            proxyHeader = from.proxyHeader;
            hexDump = from.hexDump;
        }

        ClientConfig build() {
            return new ClientConfig(
                    endpoint,
                    framing,
                    io,
                    bufferSize,
                    socketOptions,
                    connectTimeout,
                    readTimeout,
                    exchangeTimeout,
                    inboxLimit,
                    tls,
                    proxyHeader,
                    hexDump);
        }
    }
}
