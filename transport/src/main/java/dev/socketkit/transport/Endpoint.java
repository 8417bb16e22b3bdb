package dev.socketkit.transport;

import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where a socket listens or connects: a host and port for TCP and UDP, a filesystem path for Unix-domain sockets.
 *
 * <p>Endpoints are written as URIs:
 *
 * <pre>
 * tcp://127.0.0.1:8090      udp://[::1]:9000       tcp://localhost:0   (port 0: any free port)
 * tls://example.org:443     (TLS over TCP)
 * unix:///run/app.sock      unix:relative/app.sock
 * unixgram:///tmp/log.sock  unixgram:relative.sock
 * </pre>
 *
 * A bare {@code HOST:PORT} is read as TCP, and a bare {@code :PORT} as {@code tcp://127.0.0.1:PORT}. IPv6 literals
 * go in brackets. Instances are immutable values: two endpoints that print the same are equal.
 *
 * <p>{@code tls://} is a TCP endpoint that {@linkplain #isTls() asks for TLS}: its {@link #kind()} is {@link
 * SocketKind#TCP}, and servers and clients given it speak TLS with their default TLS settings unless told otherwise.
 * TLS over a Unix stream socket is asked for in the server's or client's configuration instead ({@code --tls}), as no
 * URI scheme names it.
 */
public final class Endpoint {
    /** The tutorial's address, where {@code socketkit serve} listens when given none. */
    public static final Endpoint DEFAULT = tcp("127.0.0.1", 8090);

    private static final String TLS_SCHEME = "tls";

    /** What a bare {@code :PORT} names: loopback, where {@link #DEFAULT} listens, never every interface. */
    private static final String SHORTHAND_HOST = "127.0.0.1";

    // A HOST:PORT typed where data could also stand: an address literal, localhost, or a name with a dot.
    private static final Pattern HOST_PORT = Pattern.compile(
            "(\\[[0-9A-Fa-f:.%a-zA-Z]+]|localhost|[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+\\.?)?:[0-9]+",
            Pattern.CASE_INSENSITIVE);

    private final SocketKind kind;
    private final String host;
    private final int port;
    private final String path;
    private final boolean tls;

    private Endpoint(SocketKind kind, String host, int port, String path, boolean tls) {
        this.kind = kind;
        this.host = host;
        this.port = port;
        this.path = path;
        this.tls = tls;
    }

    /**
     * A TLS-over-TCP endpoint, {@code tls://HOST:PORT}; {@code port} 0 asks for any free port when binding.
     *
     * @param host a host name or address literal; an IPv6 literal with or without brackets
     * @param port 0 to 65535
     * @return the endpoint
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public static Endpoint tls(String host, int port) {
        return tcp(host, port).withTls(true);
    }

    /**
     * A TCP endpoint; {@code port} 0 asks for any free port when binding.
     *
     * @param host a host name or address literal; an IPv6 literal with or without brackets
     * @param port 0 to 65535
     * @return the endpoint
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public static Endpoint tcp(String host, int port) {
        return inet(SocketKind.TCP, host, port);
    }

    /**
     * A UDP endpoint; {@code port} 0 asks for any free port when binding.
     *
     * @param host a host name or address literal; an IPv6 literal with or without brackets
     * @param port 0 to 65535
     * @return the endpoint
     * @throws IllegalArgumentException if the host is empty or the port out of range
     */
    public static Endpoint udp(String host, int port) {
        return inet(SocketKind.UDP, host, port);
    }

    /**
     * A Unix-domain stream endpoint at {@code path}, absolute or relative to the working directory.
     *
     * @param path the socket file's path
     * @return the endpoint
     * @throws IllegalArgumentException if the path is empty or holds a NUL character
     */
    public static Endpoint unix(String path) {
        return unix(SocketKind.UNIX, path);
    }

    /**
     * A Unix-domain datagram endpoint at {@code path}, absolute or relative to the working directory.
     *
     * @param path the socket file's path
     * @return the endpoint
     * @throws IllegalArgumentException if the path is empty or holds a NUL character
     */
    public static Endpoint unixgram(String path) {
        return unix(SocketKind.UNIXGRAM, path);
    }

    /**
     * A fresh local endpoint of {@code kind}, for tests and embedded servers that need one and do not care where:
     * {@code 127.0.0.1} port 0 (any free port, known once bound) for TCP and UDP, and for Unix sockets a new path in
     * {@code java.io.tmpdir} that nothing uses yet, {@code socketkit-<random>.sock}.
     *
     * @param kind the kind of socket
     * @return a new endpoint of that kind
     */
    public static Endpoint anyLocal(SocketKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (!kind.isUnix()) {
            return inet(kind, "127.0.0.1", 0);
        }
        String name = "socketkit-" + Long.toHexString(UUID.randomUUID().getMostSignificantBits()) + ".sock";
        return unix(kind, Path.of(System.getProperty("java.io.tmpdir"), name).toString());
    }

    private static Endpoint inet(SocketKind kind, String host, int port) {
        Objects.requireNonNull(host, "host");
        if (kind.isUnix()) {
            throw new IllegalArgumentException(kind.scheme() + " endpoints have a path, not a host and port");
        }
        String bare = stripBrackets(host);
        if (bare.isEmpty()) {
            throw new IllegalArgumentException("empty host in " + kind.scheme() + " endpoint");
        }
        checkPort(port, Integer.toString(port));
        return new Endpoint(kind, bare, port, null, false);
    }

    private static Endpoint unix(SocketKind kind, String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty path in " + kind.scheme() + " endpoint");
        }
        if (path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("NUL character in " + kind.scheme() + " path");
        }
        return new Endpoint(kind, null, 0, path, false);
    }

    /**
     * Parses an endpoint URI.
     *
     * @param text a URI such as {@code tcp://127.0.0.1:8090} or {@code unix:///run/app.sock}, a bare {@code
     *     HOST:PORT}, or a bare {@code :PORT} for {@code tcp://127.0.0.1:PORT}; surrounding white space is ignored
     * @return the endpoint
     * @throws IllegalArgumentException naming the part of {@code text} that is wrong
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        String value = text.strip();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("empty endpoint; expected e.g. tcp://127.0.0.1:8090");
        }
        int colon = value.indexOf(':');
        int schemeEnd = value.indexOf("://");
        if (colon == TLS_SCHEME.length() && value.regionMatches(true, 0, TLS_SCHEME, 0, colon)) {
            String rest = value.substring(colon + 1);
            if (!rest.startsWith("//")) {
                throw new IllegalArgumentException("expected tls://HOST:PORT, got '" + text + "'");
            }
            return parseHostPort(SocketKind.TCP, rest.substring(2), text).withTls(true);
        }
        SocketKind kind = colon > 0 ? SocketKind.forScheme(value.substring(0, colon)) : null;
        if (kind == null) {
            if (schemeEnd > 0) {
                throw new IllegalArgumentException("unknown scheme '" + value.substring(0, schemeEnd) + "' in '" + text
                        + "'; use tcp, tls, udp, unix or unixgram");
            }
            // A bare HOST:PORT is the form people type after netcat; read it as TCP. A bare :PORT is loopback.
            boolean shorthand = colon == 0 && value.indexOf(':', 1) < 0;
            return parseHostPort(SocketKind.TCP, shorthand ? SHORTHAND_HOST + value : value, text);
        }
        String rest = value.substring(colon + 1);
        if (kind.isUnix()) {
            return parseUnix(kind, rest, text);
        }
        if (!rest.startsWith("//")) {
            throw new IllegalArgumentException("expected " + kind.scheme() + "://HOST:PORT, got '" + text + "'");
        }
        return parseHostPort(kind, rest.substring(2), text);
    }

    /**
     * Whether {@code text}, where a command takes either an endpoint or data (the first argument of {@code socketkit
     * send}), names an endpoint: it has a scheme ({@code tcp://}, {@code tls://}, {@code udp://}, {@code unix:}, {@code
     * unixgram:}, or any {@code NAME://}, which {@link #parse} then refuses by name), or it is {@code :PORT} or {@code
     * HOST:PORT} with a numeric port and a HOST that is an address literal ({@code 127.0.0.1}, {@code [::1]}), {@code
     * localhost} or a name with a dot ({@code db.example.org}). A one-word name such as {@code status:200} is data: give
     * it a scheme ({@code tcp://status:200}) to connect to it. A port out of range still names an endpoint, so that
     * {@link #parse} can say what is wrong with it.
     *
     * @param text the argument as typed
     * @return whether to read it with {@link #parse}
     */
    public static boolean looksLikeEndpoint(String text) {
        Objects.requireNonNull(text, "text");
        String value = text.strip();
        String lower = value.toLowerCase(Locale.ROOT);
        if (value.contains("://") || lower.startsWith("unix:") || lower.startsWith("unixgram:")) {
            return true;
        }
        // An IPv4 literal is a name with dots to this pattern.
        return HOST_PORT.matcher(value).matches();
    }

    private static Endpoint parseUnix(SocketKind kind, String rest, String text) {
        String path;
        if (rest.startsWith("//")) {
            // unix:///abs/path has an empty authority; unix://name/path would put a host where none can be.
            int slash = rest.indexOf('/', 2);
            String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
            if (!authority.isEmpty()) {
                throw new IllegalArgumentException("unexpected host '" + authority + "' in '" + text + "'; write "
                        + kind.scheme() + ":///absolute/path or " + kind.scheme() + ":relative/path");
            }
            path = slash < 0 ? "" : rest.substring(slash);
        } else {
            path = rest;
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("missing path in '" + text + "'");
        }
        return unix(kind, path);
    }

    private static Endpoint parseHostPort(SocketKind kind, String authority, String text) {
        if (authority.endsWith("/")) {
            authority = authority.substring(0, authority.length() - 1);
        }
        if (authority.indexOf('/') >= 0) {
            throw new IllegalArgumentException(
                    "unexpected path in '" + text + "'; expected " + kind.scheme() + "://HOST:PORT");
        }
        String host;
        String portText;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' after IPv6 address in '" + text + "'");
            }
            host = authority.substring(1, close);
            String after = authority.substring(close + 1);
            if (!after.startsWith(":")) {
                throw new IllegalArgumentException(
                        "missing port in '" + text + "'; expected " + kind.scheme() + "://[" + host + "]:PORT");
            }
            portText = after.substring(1);
        } else {
            int colon = authority.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException(
                        "missing port in '" + text + "'; expected " + kind.scheme() + "://HOST:PORT");
            }
            host = authority.substring(0, colon);
            if (host.indexOf(':') >= 0) {
                throw new IllegalArgumentException(
                        "IPv6 address '" + host + "' in '" + text + "' must be in brackets: [" + host + "]");
            }
            portText = authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in '" + text + "'");
        }
        if (portText.isEmpty()) {
            throw new IllegalArgumentException("missing port in '" + text + "'");
        }
        if (portText.matches("-[0-9]+")) {
            throw new IllegalArgumentException("port '" + portText + "' in '" + text + "' is out of range 0-65535");
        }
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("port '" + portText + "' in '" + text + "' is not a number 0-65535");
        }
        int port = portText.length() > 5 ? 65536 : Integer.parseInt(portText);
        checkPort(port, portText + "' in '" + text);
        return new Endpoint(kind, host, port, null, false);
    }

    private static void checkPort(int port, String shown) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port '" + shown + "' is out of range 0-65535");
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** {@return what kind of socket this endpoint names} */
    public SocketKind kind() {
        return kind;
    }

    /**
     * {@return the host name or address literal (without brackets) of a TCP or UDP endpoint}
     *
     * @throws IllegalStateException if this is a Unix-domain endpoint
     */
    public String host() {
        requireInet();
        return host;
    }

    /**
     * {@return the port of a TCP or UDP endpoint; 0 means any free port}
     *
     * @throws IllegalStateException if this is a Unix-domain endpoint
     */
    public int port() {
        requireInet();
        return port;
    }

    /**
     * {@return the filesystem path of a Unix-domain endpoint, as given (absolute or relative)}
     *
     * @throws IllegalStateException if this is a TCP or UDP endpoint
     */
    public String path() {
        if (!kind.isUnix()) {
            throw new IllegalStateException(this + " has no path");
        }
        return path;
    }

    /**
     * {@return the length in bytes of the path as the kernel sees it (UTF-8)} For checking it against {@code
     * sun_path}.
     *
     * @throws IllegalStateException if this is a TCP or UDP endpoint
     */
    public int pathLengthInBytes() {
        return path().getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * A copy of this TCP or UDP endpoint with another port.
     *
     * @param newPort 0 to 65535
     * @return the copy
     * @throws IllegalStateException if this is a Unix-domain endpoint
     */
    public Endpoint withPort(int newPort) {
        requireInet();
        return inet(kind, host, newPort).withTls(tls);
    }

    /**
     * {@return the socket address to bind or connect to} Resolves the host name.
     *
     * @throws IllegalStateException if this is a Unix-domain endpoint
     */
    public InetSocketAddress inetSocketAddress() {
        requireInet();
        return new InetSocketAddress(host, port);
    }

    /**
     * The endpoint of the same kind at the address a socket actually bound to (the real port after port 0).
     *
     * @param kind {@link SocketKind#TCP} or {@link SocketKind#UDP}
     * @param address the bound address
     * @return the endpoint, with the address in RFC 5952 form ({@code ::1})
     */
    public static Endpoint of(SocketKind kind, InetSocketAddress address) {
        // RFC 5952 text (::1, not 0:0:0:0:0:0:0:1), so the listening line reads as people write addresses.
        String host =
                address.getAddress() != null ? NetUtil.toAddressString(address.getAddress()) : address.getHostString();
        return inet(kind, host, address.getPort());
    }

    private void requireInet() {
        if (kind.isUnix()) {
            throw new IllegalStateException(this + " has no host and port");
        }
    }

    /**
     * {@return whether this is a {@code tls://} endpoint}
     */
    public boolean isTls() {
        return tls;
    }

    /**
     * A copy that asks for TLS ({@code tls://}) or not ({@code tcp://}).
     *
     * @param useTls whether the copy asks for TLS
     * @return the copy; this endpoint if it already is as asked
     * @throws IllegalArgumentException if TLS is asked for on anything but a TCP endpoint (for Unix stream sockets, ask
     *     the server's or client's configuration; datagram sockets have no TLS, and DTLS is not offered)
     */
    public Endpoint withTls(boolean useTls) {
        if (useTls == tls) {
            return this;
        }
        if (useTls && kind != SocketKind.TCP) {
            throw new IllegalArgumentException("tls:// names TLS over TCP only, not " + kind.scheme() + " endpoints");
        }
        return new Endpoint(kind, host, port, path, useTls);
    }

    /** The URI form, which {@link #parse} reads back. */
    @Override
    public String toString() {
        if (kind.isUnix()) {
            return path.startsWith("/") ? kind.scheme() + "://" + path : kind.scheme() + ":" + path;
        }
        String shownHost = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (tls ? TLS_SCHEME : kind.scheme()) + "://" + shownHost + ":" + port;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Endpoint && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
